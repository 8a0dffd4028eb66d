import CallbackCore
import Foundation

/// The ``ReceiptStore`` on PostgreSQL.
public struct PostgresReceiptStore: ReceiptStore {
    private let workers: DatabaseWorkers
    private let schedule: RetrySchedule

    /// Creates a store on the given workers; `schedule` sets when a receipt that must wait is first retried.
    public init(workers: DatabaseWorkers, schedule: RetrySchedule = .standard) {
        self.workers = workers
        self.schedule = schedule
    }

    public func record(_ incoming: IncomingReceipt) async throws(DatabaseError) -> RecordedReceipt {
        let receipt = incoming.mapped.receipt
        let parameters = Self.sharedParameters(incoming.mapped, retryDelay: schedule.delay(afterAttempts: 1)) + [
            receipt.provider.rawValue,
            incoming.rawBody,
            incoming.contentType,
            receipt.rawStatus,
            receipt.detailCode,
            receipt.providerTimestamp.map { String($0.timeIntervalSince1970) },
        ]
        return try await workers.run { connection throws(DatabaseError) in
            try RecordedReceipt(connection.query(ReceiptStatements.record, parameters))
        }
    }

    public func retryWaiting(
        limit: Int,
        schedule: RetrySchedule,
        interpret: @escaping @Sendable (StoredReceipt) -> MappedReceipt?
    ) async throws(DatabaseError) -> [RetriedReceipt] {
        try await workers.run { connection throws(DatabaseError) in
            try connection.transaction { () throws(DatabaseError) -> [RetriedReceipt] in
                let due = try connection.query(Statements.claimDue, [String(max(limit, 1))])
                return try Self.reapply(Self.storedReceipts(due), on: connection, schedule: schedule, interpret: interpret)
            }
        }
    }

    public func redrive(
        _ selection: RedriveSelection,
        batchSize: Int,
        schedule: RetrySchedule,
        interpret: @escaping @Sendable (StoredReceipt) -> MappedReceipt?
    ) async throws(DatabaseError) -> [RetriedReceipt] {
        var all: [RetriedReceipt] = []
        var after: Int64 = 0
        // Keyset pages by id: a receipt that keeps its outcome (still unmapped) is not taken twice.
        while true {
            let parameters: [String?] = [
                selection.outcome.rawValue, selection.provider?.rawValue,
                selection.since.map { String($0.timeIntervalSince1970) }, String(after), String(max(batchSize, 1)),
            ]
            let batch = try await workers.run { connection throws(DatabaseError) in
                try connection.transaction { () throws(DatabaseError) -> [RetriedReceipt] in
                    let rows = try connection.query(Statements.claimSelection, parameters)
                    return try Self.reapply(Self.storedReceipts(rows), on: connection, schedule: schedule, interpret: interpret)
                }
            }
            all += batch
            guard batch.count >= batchSize, let last = batch.map(\.stored.id).max() else { return all }
            after = last
        }
    }

    public func unmappedStatuses() async throws(DatabaseError) -> [UnmappedStatus] {
        let result = try await workers.run { connection throws(DatabaseError) in try connection.query(Statements.unmapped) }
        return (0..<result.rows.count).compactMap { row in
            guard let provider = result.value("provider", row: row).flatMap(Provider.init(rawValue:)),
                  let rawStatus = result.value("raw_status", row: row),
                  let count = result.value("count", row: row).flatMap({ Int($0) }),
                  let first = result.value("first_seen", row: row).flatMap({ Double($0) }),
                  let last = result.value("last_seen", row: row).flatMap({ Double($0) })
            else { return nil }
            return UnmappedStatus(
                provider: provider, rawStatus: rawStatus, detailCode: result.value("detail_code", row: row), count: count,
                firstSeen: Date(timeIntervalSince1970: first), lastSeen: Date(timeIntervalSince1970: last)
            )
        }
    }

    /// Applies stored receipts again, in arrival order, within the caller's transaction.
    private static func reapply(
        _ receipts: [StoredReceipt],
        on connection: PostgresConnection,
        schedule: RetrySchedule,
        interpret: (StoredReceipt) -> MappedReceipt?
    ) throws(DatabaseError) -> [RetriedReceipt] {
        try receipts.map { stored throws(DatabaseError) in
            guard let mapped = interpret(stored) else {
                _ = try connection.query(Statements.orphanUnreadable, [String(stored.id)])
                return RetriedReceipt(stored: stored, result: RecordedReceipt(outcome: .orphaned, receiptID: stored.id), mapped: nil)
            }
            let parameters = sharedParameters(mapped, retryDelay: schedule.delay(afterAttempts: stored.attempts + 1)) + [
                String(stored.id),
                schedule.shouldGiveUp(age: stored.ageSeconds) ? "true" : "false",
            ]
            let result = try RecordedReceipt(connection.query(ReceiptStatements.retry, parameters))
            return RetriedReceipt(stored: stored, result: result, mapped: mapped)
        }
    }

    public func isReady() async -> Bool {
        (try? await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.ping).rows.count == 1
        }) ?? false
    }

    /// The parameters both receipt statements share, `$1` to `$11`.
    private static func sharedParameters(_ mapped: MappedReceipt, retryDelay: Double) -> [String?] {
        let receipt = mapped.receipt
        let plan = mapped.plan
        let notificationID: String?
        let reference: String?
        switch receipt.lookup {
        case .id(let id):
            notificationID = id.uuidString.lowercased()
            reference = receipt.providerReference
        case .reference(let providerReference):
            notificationID = nil
            reference = providerReference
        }
        return [
            notificationID,
            reference,
            mapped.mapping.target?.rawValue,
            plan.fromSending?.rawValue,
            plan.fromPending?.rawValue,
            receipt.provider.actor,
            receipt.provider.rawValue,
            String(retryDelay),
            receipt.complaint?.feedbackID,
            receipt.complaint?.complaintType,
            receipt.complaint?.complainedAt.map { String($0.timeIntervalSince1970) },
        ]
    }

    /// Due receipts in arrival order, so that two receipts for one notification apply in the order they came.
    private static func storedReceipts(_ result: QueryResult) -> [StoredReceipt] {
        (0..<result.rows.count).compactMap { row -> StoredReceipt? in
            guard let id = result.value("id", row: row).flatMap({ Int64($0) }),
                  let provider = result.value("provider", row: row).flatMap(Provider.init(rawValue:)),
                  let body = result.value("raw_body", row: row)
            else { return nil }
            return StoredReceipt(
                id: id,
                provider: provider,
                rawBody: body,
                contentType: result.value("content_type", row: row),
                attempts: result.value("attempts", row: row).flatMap { Int($0) } ?? 1,
                ageSeconds: result.value("age", row: row).flatMap { Double($0) } ?? 0
            )
        }.sorted { $0.id < $1.id }
    }

    private enum Statements {
        static let ping = PreparedStatement(name: "store_ping", sql: "SELECT 1")
        static let claimDue = PreparedStatement(name: "receipt_claim_due", sql: """
            SELECT id, provider, raw_body, content_type, attempts,
                   extract(epoch FROM now() - received_at) AS age
              FROM callback_receipts
             WHERE outcome = 'waiting' AND next_attempt_at <= now()
             ORDER BY next_attempt_at
             LIMIT $1::integer
               FOR UPDATE SKIP LOCKED
            """)
        static let claimSelection = PreparedStatement(name: "receipt_claim_selection", sql: """
            SELECT id, provider, raw_body, content_type, attempts,
                   extract(epoch FROM now() - received_at) AS age
              FROM callback_receipts
             WHERE outcome = $1::text
               AND ($2::text IS NULL OR provider = $2::text)
               AND ($3::float8 IS NULL OR received_at >= to_timestamp($3::float8))
               AND id > $4::bigint
             ORDER BY id
             LIMIT $5::integer
               FOR UPDATE SKIP LOCKED
            """)
        static let unmapped = PreparedStatement(name: "receipt_unmapped_statuses", sql: """
            SELECT provider, raw_status, detail_code, count(*) AS count,
                   extract(epoch FROM min(received_at)) AS first_seen, extract(epoch FROM max(received_at)) AS last_seen
              FROM callback_receipts
             WHERE outcome = 'unmapped'
             GROUP BY provider, raw_status, detail_code
             ORDER BY count(*) DESC, provider, raw_status, detail_code
            """)
        static let orphanUnreadable = PreparedStatement(name: "receipt_orphan_unreadable", sql: """
            UPDATE callback_receipts
               SET outcome = 'orphaned', next_attempt_at = NULL, attempts = attempts + 1, updated_at = now()
             WHERE id = $1::bigint
            """)
    }
}
