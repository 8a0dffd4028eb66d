/// What a service's callback is told: a notification's new status, or a complaint about it.
public enum ServiceCallbackType: String, Sendable, CaseIterable, Hashable, Codable {
    /// The notification's status changed (`send_delivery_status_to_service`).
    case deliveryStatus = "delivery-status"
    /// A recipient complained about the notification (`send_complaint_to_service`).
    case complaint
}
