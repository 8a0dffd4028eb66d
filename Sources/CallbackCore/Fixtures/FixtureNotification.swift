import Foundation

/// A notification the fixture receipts refer to, as `fixtures/notifications.json` lists it.
public struct FixtureNotification: Sendable, Hashable, Codable {
    /// The notification's id (Firetext `reference`, MMG `CID`).
    public var id: UUID
    /// `sms` or `email`.
    public var notificationType: String
    /// Its status before any receipt arrives.
    public var status: NotificationStatus
    /// The provider's message id, for SES (`mail.messageId`).
    public var reference: String?
    /// When it was sent; `nil` for none.
    public var sentAt: Date?
    /// Who sent it, if recorded.
    public var sentBy: String?
    /// What the fixtures use it for, for people reading the file.
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case id
        case notificationType = "notification_type"
        case status
        case reference
        case sentAt = "sent_at"
        case sentBy = "sent_by"
        case note
    }

    /// Creates a fixture notification.
    public init(id: UUID, notificationType: String, status: NotificationStatus, reference: String? = nil,
                sentAt: Date? = nil, sentBy: String? = nil, note: String? = nil) {
        self.id = id
        self.notificationType = notificationType
        self.status = status
        self.reference = reference
        self.sentAt = sentAt
        self.sentBy = sentBy
        self.note = note
    }

    /// Reads `notifications.json`: an array of objects with `id`, `notification_type`, `status`, and optionally
    /// `reference`, `sent_at` (ISO 8601), `sent_by` and `note`.
    public static func decodeList(_ data: Data) throws -> [FixtureNotification] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([FixtureNotification].self, from: data)
    }
}
