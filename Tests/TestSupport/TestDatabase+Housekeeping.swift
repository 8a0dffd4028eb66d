import CallbackCore
import CallbackStore
import Foundation

/// Rows at chosen instants, for the housekeeping tests: retention and statistics turn on dates, and the timeout on
/// how long a notification has been open.
extension TestDatabase {
    /// Stores a receipt received at `receivedAt` with the given outcome, as the gateway would have recorded it.
    public func insertReceipt(provider: Provider = .firetext, outcome: ReceiptOutcome = .applied, receivedAt: Date) async throws {
        try await query("""
            INSERT INTO callback_receipts (provider, received_at, raw_body, raw_status, outcome, dedupe_key)
            VALUES ($1::text, to_timestamp($2::float8), 'status=0', '0', $3::text,
                    sha256(convert_to(gen_random_uuid()::text, 'UTF8')))
            """, [provider.rawValue, String(receivedAt.timeIntervalSince1970), outcome.rawValue])
    }

    /// Stores a complaint received at `receivedAt`.
    public func insertComplaint(receivedAt: Date) async throws {
        try await query(
            "INSERT INTO complaints (notification_id, received_at) VALUES (gen_random_uuid(), to_timestamp($1::float8))",
            [String(receivedAt.timeIntervalSince1970)]
        )
    }

    /// How many receipts and complaints are left, by outcome (`complaints` for the complaints table).
    public func remainingRows() async throws -> [String: Int] {
        let result = try await query("""
            SELECT outcome AS kind, count(*) AS n FROM callback_receipts GROUP BY outcome
            UNION ALL SELECT 'complaints', count(*) FROM complaints
            """)
        var counts: [String: Int] = [:]
        for row in result.rows.indices {
            counts[result.value("kind", row: row) ?? ""] = result.value("n", row: row).flatMap { Int($0) } ?? 0
        }
        return counts
    }

    /// Inserts a notification created (and, unless `sentAt` is nil, sent) at the given instants.
    @discardableResult
    public func insertNotification(status: NotificationStatus, type: String = "sms", createdAt: Date, sentAt: Date?) async throws -> UUID {
        let id = try await insertNotification(status: status, type: type, sentAt: sentAt)
        try await query(
            "UPDATE notifications SET created_at = to_timestamp($2::float8) WHERE id = $1::uuid",
            [id.uuidString.lowercased(), String(createdAt.timeIntervalSince1970)]
        )
        return id
    }

    /// The `updated_by` of each history row of a notification, oldest first.
    public func historyActors(_ id: UUID) async throws -> [String?] {
        try await query(
            "SELECT updated_by FROM notification_history WHERE id = $1::uuid ORDER BY version", [id.uuidString.lowercased()]
        ).rows.map { $0[0] }
    }
}
