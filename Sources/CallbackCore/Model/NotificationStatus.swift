/// The status of a notification as the platform stores it.
public enum NotificationStatus: String, Sendable, CaseIterable, Hashable, Codable {
    case created
    case sending
    case pending
    case sent
    case delivered
    case temporaryFailure = "temporary-failure"
    case permanentFailure = "permanent-failure"
    case technicalFailure = "technical-failure"

    /// Whether the provider still owes a final answer for the notification.
    ///
    /// Only notifications in flight may be changed by a receipt.
    public var isInFlight: Bool { self == .sending || self == .pending }
}
