import Foundation

/// How a receipt names the notification it is about.
public enum NotificationLookup: Sendable, Hashable {
    /// The platform's own notification id (Firetext `reference`, MMG `CID`).
    case id(UUID)
    /// The provider's message id, stored in `notifications.reference` when the message was sent (SES `messageId`).
    case reference(String)
}
