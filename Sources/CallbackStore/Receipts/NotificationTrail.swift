import CallbackCore
import Foundation

/// A notification and the receipts stored for it, oldest first: what a look-up shows. Raw bodies are left out,
/// because they hold phone numbers and email addresses.
public struct NotificationTrail: Sendable, Hashable {
    /// The notification as it stands.
    public var notification: Notification
    /// Its receipts in the order they arrived, at most the look-up's limit (the earliest kept).
    public var receipts: [Receipt]

    /// A notification's columns that a look-up shows.
    public struct Notification: Sendable, Hashable {
        /// Its id.
        public var id: UUID
        /// The service that sent it.
        public var serviceID: UUID?
        /// `sms` or `email`.
        public var notificationType: String
        /// The kind of key it was sent with.
        public var keyType: KeyType
        /// Its status now.
        public var status: NotificationStatus
        /// The provider's reference for it, where the provider gave one.
        public var reference: String?
        /// The provider it was sent through.
        public var sentBy: String?
        /// When it was created.
        public var createdAt: Date
        /// When it was sent.
        public var sentAt: Date?
        /// When its status last changed.
        public var updatedAt: Date?
        /// Who changed it last (`callback:firetext`, `timeout`).
        public var updatedBy: String?
    }

    /// One stored receipt of the notification.
    public struct Receipt: Sendable, Hashable {
        /// When the gateway stored it.
        public var receivedAt: Date
        /// Who sent it.
        public var provider: Provider
        /// The status as the provider sent it.
        public var rawStatus: String
        /// The detail code the provider sent with it, if any.
        public var detailCode: String?
        /// What became of it.
        public var outcome: ReceiptOutcome
        /// The status it wrote, when it changed the notification.
        public var statusWritten: NotificationStatus?
        /// Who the history row it wrote names (`callback:firetext`), when it wrote one.
        public var updatedBy: String?
    }
}

/// How a look-up names a notification.
public enum NotificationTrailKey: Sendable, Hashable {
    /// By the notification's id.
    case id(UUID)
    /// By the reference its provider gave it (the most recently created notification with that reference).
    case reference(String)
}

/// The notifications a look-up may see: all of them (an operator), or those of one service sent with one kind of
/// key (that service's API key). Outside the scope a notification is not found, exactly as a missing one.
public enum NotificationScope: Sendable, Hashable {
    /// Every notification.
    case everything
    /// Only the service's notifications sent with keys of `keyType`.
    case service(UUID, keyType: KeyType)
}

extension NotificationTrail {
    /// At most this many receipts are shown for one notification.
    public static let defaultReceiptLimit = 500

    /// Reads a trail on one connection: the notification, then its receipts. `nil` when no notification in the
    /// scope has the key.
    static func read(
        _ key: NotificationTrailKey, scope: NotificationScope, receiptLimit: Int, on connection: PostgresConnection
    ) throws(DatabaseError) -> NotificationTrail? {
        var parameters: [String?]
        let statement: PreparedStatement
        switch key {
        case .id(let id): statement = Statements.notificationByID; parameters = [UUIDText.lowercase(id)]
        case .reference(let reference): statement = Statements.notificationByReference; parameters = [reference]
        }
        switch scope {
        case .everything: parameters += [nil, nil]
        case .service(let service, let keyType): parameters += [UUIDText.lowercase(service), keyType.rawValue]
        }
        let found = try connection.query(statement, parameters)
        guard let notification = Notification(found) else { return nil }
        let rows = try connection.query(Statements.receipts, [UUIDText.lowercase(notification.id), String(max(receiptLimit, 1))])
        return NotificationTrail(notification: notification, receipts: rows.rows.indices.compactMap { Receipt(rows, row: $0) })
    }

    /// Internal rather than private so that a test can show each statement's plan.
    enum Statements {
        private static let notificationColumns = """
            SELECT id, service_id, notification_type, key_type, status, reference, sent_by,
                   extract(epoch FROM created_at) AS created_at, extract(epoch FROM sent_at) AS sent_at,
                   extract(epoch FROM updated_at) AS updated_at, updated_by
              FROM notifications
            """
        /// `$2`/`$3`: the scope's service and key type, both NULL for every notification.
        private static let inScope = "($2::uuid IS NULL OR (service_id = $2::uuid AND key_type = $3::text))"

        /// By primary key.
        static let notificationByID = PreparedStatement(name: "trail_notification_by_id", sql: """
            \(notificationColumns)
             WHERE id = $1::uuid AND \(inScope)
            """)
        /// By `notifications_reference_idx`; a reference given twice finds the newest.
        static let notificationByReference = PreparedStatement(name: "trail_notification_by_reference", sql: """
            \(notificationColumns)
             WHERE reference = $1::text AND \(inScope)
             ORDER BY created_at DESC
             LIMIT 1
            """)
        /// By `callback_receipts_notification_idx`; the history row each wrote gives its `updated_by`. The
        /// notification's receipts are gathered first (a notification has a handful) and sorted after: with `ORDER
        /// BY received_at LIMIT` on the table itself, a plan made while it looked empty walked the whole index of
        /// receipt times instead; and a join to the history, planned on empty statistics, walked its whole primary key.
        static let receipts = PreparedStatement(name: "trail_receipts", sql: """
            WITH mine AS MATERIALIZED (
                SELECT id, received_at, provider, raw_status, detail_code, outcome, status_written, notification_id,
                       history_version
                  FROM callback_receipts
                 WHERE notification_id = $1::uuid
            )
            SELECT extract(epoch FROM r.received_at) AS received_at, r.provider, r.raw_status, r.detail_code,
                   r.outcome, r.status_written,
                   (SELECT h.updated_by FROM notification_history h
                     WHERE h.id = r.notification_id AND h.version = r.history_version) AS updated_by
              FROM mine r
             ORDER BY r.received_at, r.id
             LIMIT $2::integer
            """)
    }
}

extension NotificationTrail.Notification {
    /// The first row of `result`, or `nil` when there is none (or it cannot be read).
    init?(_ result: QueryResult) {
        guard let id = result.value("id").flatMap(UUID.init(uuidString:)),
              let type = result.value("notification_type"),
              let keyType = result.value("key_type").flatMap(KeyType.init(rawValue:)),
              let status = result.value("status").flatMap(NotificationStatus.init(rawValue:)),
              let created = result.value("created_at").flatMap(Double.init)
        else { return nil }
        self.init(
            id: id, serviceID: result.value("service_id").flatMap(UUID.init(uuidString:)), notificationType: type,
            keyType: keyType, status: status, reference: result.value("reference"), sentBy: result.value("sent_by"),
            createdAt: Date(timeIntervalSince1970: created),
            sentAt: result.value("sent_at").flatMap(Double.init).map(Date.init(timeIntervalSince1970:)),
            updatedAt: result.value("updated_at").flatMap(Double.init).map(Date.init(timeIntervalSince1970:)),
            updatedBy: result.value("updated_by")
        )
    }
}

extension NotificationTrail.Receipt {
    /// Row `row` of `result`, or `nil` when it cannot be read.
    init?(_ result: QueryResult, row: Int) {
        guard let received = result.value("received_at", row: row).flatMap(Double.init),
              let provider = result.value("provider", row: row).flatMap(Provider.init(rawValue:)),
              let rawStatus = result.value("raw_status", row: row),
              let outcome = result.value("outcome", row: row).flatMap(ReceiptOutcome.init(rawValue:))
        else { return nil }
        self.init(
            receivedAt: Date(timeIntervalSince1970: received), provider: provider, rawStatus: rawStatus,
            detailCode: result.value("detail_code", row: row), outcome: outcome,
            statusWritten: result.value("status_written", row: row).flatMap(NotificationStatus.init(rawValue:)),
            updatedBy: result.value("updated_by", row: row)
        )
    }
}
