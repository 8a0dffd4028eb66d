import CallbackCore
import Foundation

/// Loads fixture notifications into the database, replacing any earlier copy of them, so that the fixture
/// receipts can be replayed again and again with the same result.
///
/// Replacing means: the notifications, their history and complaints, every stored receipt that is about one of
/// them or whose body is one of the fixture bodies (or, for a batch, one of its events), and the one-time tokens the
/// fixtures carry (otherwise a second replay would only meet duplicates and replays). Fixture ids are fixed UUIDs
/// that belong to the fixtures alone.
public struct FixtureSeeder: Sendable {
    private let workers: DatabaseWorkers

    /// Creates a seeder.
    public init(workers: DatabaseWorkers) {
        self.workers = workers
    }

    /// Seeds the notifications and forgets earlier replays of the receipts; returns how many notifications it wrote.
    @discardableResult
    public func seed(_ notifications: [FixtureNotification], receipts: [ReceiptFixture]) async throws(DatabaseError) -> Int {
        try await workers.run { connection throws(DatabaseError) in
            try connection.transaction { () throws(DatabaseError) -> Int in
                for receipt in receipts {
                    for text in Self.storedTexts(of: receipt) {
                        _ = try connection.query(Statements.forgetReceipt, [receipt.provider.rawValue, text])
                    }
                    _ = try connection.query(Statements.forgetTokens, [receipt.provider.rawValue, receipt.body])
                }
                for notification in notifications {
                    _ = try connection.query(Statements.forgetNotification, [notification.id.uuidString.lowercased(), notification.reference])
                    try Self.insert(notification, on: connection)
                }
                return notifications.count
            }
        }
    }

    /// The texts a fixture's receipts are stored under: its body, and each event's own text when it is a batch.
    private static func storedTexts(of fixture: ReceiptFixture) -> [String] {
        guard let adapter = ProviderRegistry.unit(for: fixture.provider)?.adapter,
              case .batch(let events)? = try? adapter.parse(fixture.payload)
        else { return [fixture.body] }
        return [fixture.body] + events.map { event in
            switch event {
            case .receipt(_, let text), .unreadable(let text, _): text
            }
        }
    }

    /// Inserts one notification as the platform's sender does, with its first history row, and nothing else.
    public func insert(_ notification: FixtureNotification) async throws(DatabaseError) {
        try await workers.run { connection throws(DatabaseError) in try Self.insert(notification, on: connection) }
    }

    private static func insert(_ notification: FixtureNotification, on connection: PostgresConnection) throws(DatabaseError) {
        _ = try connection.query(Statements.insert, [
            notification.id.uuidString.lowercased(), notification.notificationType, notification.status.rawValue,
            notification.reference, notification.sentAt.map { String($0.timeIntervalSince1970) }, notification.sentBy,
        ])
    }

    private enum Statements {
        /// The receipt is found by the time its key was stored with, so that only that day's partition is read.
        static let forgetReceipt = PreparedStatement(name: "fixture_forget_receipt", sql: """
            WITH key AS (
                DELETE FROM callback_receipt_keys
                 WHERE dedupe_key = sha256(convert_to($1::text || E'\\n' || $2::text, 'UTF8'))
                RETURNING dedupe_key, received_at
            )
            DELETE FROM callback_receipts r USING key
             WHERE r.received_at = key.received_at AND r.dedupe_key = key.dedupe_key
            """)
        /// The one-time tokens a fixture's body holds (a test database's table is small: it is read whole).
        static let forgetTokens = PreparedStatement(name: "fixture_forget_tokens", sql: """
            DELETE FROM webhook_tokens WHERE provider = $1::text AND strpos($2::text, token) > 0
            """)
        static let forgetNotification = PreparedStatement(name: "fixture_forget_notification", sql: """
            WITH receipts AS (
                DELETE FROM callback_receipts
                 WHERE notification_id = $1::uuid OR ($2::text IS NOT NULL AND provider_reference = $2::text)
                RETURNING dedupe_key
            ),
            keys AS (DELETE FROM callback_receipt_keys WHERE dedupe_key IN (SELECT dedupe_key FROM receipts)),
            complaints AS (DELETE FROM complaints WHERE notification_id = $1::uuid),
            history AS (DELETE FROM notification_history WHERE id = $1::uuid)
            DELETE FROM notifications WHERE id = $1::uuid
            """)
        static let insert = PreparedStatement(name: "fixture_insert_notification", sql: """
            WITH inserted AS (
                INSERT INTO notifications (id, notification_type, status, reference, sent_at, sent_by, created_at)
                VALUES ($1::uuid, $2::text, $3::text, $4::text, to_timestamp($5::float8), $6::text, now())
                RETURNING id, service_id, notification_type, key_type, status, reference, billable_units,
                          character_count, created_at, sent_at, sent_by, updated_at, updated_by, version
            )
            INSERT INTO notification_history (
                id, service_id, notification_type, key_type, status, reference, billable_units, character_count,
                created_at, sent_at, sent_by, updated_at, updated_by, version
            )
            SELECT * FROM inserted
            """)
    }
}
