import CallbackStore
import Foundation

/// A notification and its receipts as `GET /v2/notifications/{id}/receipts` gives them, keys sorted, absent values
/// as `null`:
/// `{"notification":{"id":"…","status":"delivered",…},"receipts":[{"received_at":"…","provider":"firetext",…}]}`.
public enum NotificationTrailReport {
    private struct Body: Encodable {
        var notification: Notification
        var receipts: [Receipt]
    }

    private struct Notification: Encodable {
        var trail: NotificationTrail.Notification

        enum CodingKeys: String, CodingKey {
            case id, status, reference
            case notificationType = "notification_type"
            case sentBy = "sent_by"
            case createdAt = "created_at"
            case sentAt = "sent_at"
            case updatedAt = "updated_at"
            case updatedBy = "updated_by"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(trail.id.uuidString.lowercased(), forKey: .id)
            try container.encode(trail.status.rawValue, forKey: .status)
            try container.encode(trail.reference, forKey: .reference)
            try container.encode(trail.notificationType, forKey: .notificationType)
            try container.encode(trail.sentBy, forKey: .sentBy)
            try container.encode(trail.createdAt, forKey: .createdAt)
            try container.encode(trail.sentAt, forKey: .sentAt)
            try container.encode(trail.updatedAt, forKey: .updatedAt)
            try container.encode(trail.updatedBy, forKey: .updatedBy)
        }
    }

    private struct Receipt: Encodable {
        var trail: NotificationTrail.Receipt

        enum CodingKeys: String, CodingKey {
            case provider, outcome
            case receivedAt = "received_at"
            case rawStatus = "raw_status"
            case detailCode = "detail_code"
            case statusWritten = "status_written"
            case updatedBy = "updated_by"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(trail.receivedAt, forKey: .receivedAt)
            try container.encode(trail.provider.rawValue, forKey: .provider)
            try container.encode(trail.rawStatus, forKey: .rawStatus)
            try container.encode(trail.detailCode, forKey: .detailCode)
            try container.encode(trail.outcome.rawValue, forKey: .outcome)
            try container.encode(trail.statusWritten?.rawValue, forKey: .statusWritten)
            try container.encode(trail.updatedBy, forKey: .updatedBy)
        }
    }

    /// The report as JSON; times in ISO 8601 UTC with milliseconds.
    public static func json(_ trail: NotificationTrail) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Body(notification: Notification(trail: trail.notification), receipts: trail.receipts.map(Receipt.init)))
    }
}
