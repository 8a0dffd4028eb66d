import CallbackCore
import Foundation

/// The ``ReceiptStore`` on PostgreSQL.
public struct PostgresReceiptStore: ReceiptStore {
    let workers: DatabaseWorkers
    private let schedule: RetrySchedule
    private let batcher: ReceiptBatcher

    /// Creates a store on the given workers; `schedule` sets when a receipt that must wait is first retried.
    ///
    /// - Parameter batchObserver: told the number of receipts of every batch stored together (see
    ///   ``DatabaseConfiguration/maximumBatchSize``).
    public init(workers: DatabaseWorkers, schedule: RetrySchedule = .standard, batchObserver: (@Sendable (Int) -> Void)? = nil) {
        self.workers = workers
        self.schedule = schedule
        self.batcher = ReceiptBatcher(workers: workers, observer: batchObserver)
    }

    /// Receipts waiting for a free connection to be stored in the next batch.
    var receiptsWaitingForBatch: Int { batcher.waitingCount }

    public func record(_ receipts: [ArrivingReceipt]) async throws(DatabaseError) -> [RecordedReceipt] {
        let delay = schedule.delay(afterAttempts: 1)
        return try await batcher.record(receipts.map { arriving in
            switch arriving {
            case .receipt(let incoming): ReceiptWrite(incoming, retryDelay: delay)
            case .unreadable(let unreadable): .unreadable(unreadable)
            }
        })
    }

    public func retryWaiting(
        limit: Int,
        schedule: RetrySchedule,
        interpret: @escaping @Sendable (StoredReceipt) -> MappedReceipt?
    ) async throws(DatabaseError) -> [RetriedReceipt] {
        try await workers.run { connection throws(DatabaseError) in
            try connection.transaction { () throws(DatabaseError) -> [RetriedReceipt] in
                try ReceiptReapplier(schedule: schedule, interpret: interpret)
                    .run(ReapplyStatements.claimDue, [String(max(limit, 1))], on: connection).retried
            }
        }
    }

    public func redrive(
        _ selection: RedriveSelection,
        batchSize: Int,
        schedule: RetrySchedule,
        interpret: @escaping @Sendable (StoredReceipt) -> MappedReceipt?,
        onBatch: @Sendable ([RetriedReceipt]) async -> Void
    ) async throws(DatabaseError) -> Int {
        let size = max(batchSize, 1)
        var total = 0
        var after: Int64 = 0
        // Keyset pages by id: a receipt that keeps its outcome (still unmapped) is not taken twice.
        while true {
            let parameters: [String?] = [
                selection.outcome.rawValue, selection.provider?.rawValue,
                selection.since.map { String($0.timeIntervalSince1970) }, String(after), String(size),
            ]
            let batch = try await workers.run { connection throws(DatabaseError) in
                try connection.transaction { () throws(DatabaseError) -> ReceiptReapplier.Batch in
                    try ReceiptReapplier(schedule: schedule, interpret: interpret)
                        .run(ReapplyStatements.claimSelection, parameters, on: connection)
                }
            }
            total += batch.retried.count
            await onBatch(batch.retried)
            guard batch.claimedRows >= size, let last = batch.lastID else { return total }
            after = last
        }
    }

    public func unmappedStatuses(limit: Int) async throws(DatabaseError) -> [UnmappedStatus] {
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.unmapped, [String(max(limit, 1))])
        }
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

    public func receiptCounts(in window: StatsWindow) async throws(DatabaseError) -> [ReceiptDayCount] {
        let parameters = [String(window.start.timeIntervalSince1970), String(window.end.timeIntervalSince1970)]
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.dailyCounts, parameters)
        }
        return result.rows.indices.compactMap { row in
            guard let day = result.value("day", row: row).flatMap({ Int($0) }),
                  let provider = result.value("provider", row: row).flatMap(Provider.init(rawValue:)),
                  let outcome = result.value("outcome", row: row).flatMap(ReceiptOutcome.init(rawValue:)),
                  let count = result.value("count", row: row).flatMap({ Int($0) })
            else { return nil }
            return ReceiptDayCount(day: CivilDate(daysSinceEpoch: day), provider: provider, outcome: outcome, count: count)
        }
    }

    public func notificationTrail(
        _ key: NotificationTrailKey, scope: NotificationScope, receiptLimit: Int
    ) async throws(DatabaseError) -> NotificationTrail? {
        try await workers.run { connection throws(DatabaseError) in
            try NotificationTrail.read(key, scope: scope, receiptLimit: receiptLimit, on: connection)
        }
    }

    public func waitingBacklog() async throws(DatabaseError) -> WaitingBacklog {
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(WaitingBacklog.statement)
        }
        return WaitingBacklog.read(result)
    }

    public func isReady() async -> Bool {
        (try? await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.ping).rows.count == 1
        }) ?? false
    }

    /// Internal rather than private so that a test can show the statistics query's plan.
    enum Statements {
        static let ping = PreparedStatement(name: "store_ping", sql: "SELECT 1")
        static let unmapped = PreparedStatement(name: "receipt_unmapped_statuses", sql: """
            SELECT provider, raw_status, detail_code, count(*) AS count,
                   extract(epoch FROM min(received_at)) AS first_seen, extract(epoch FROM max(received_at)) AS last_seen
              FROM callback_receipts
             WHERE outcome = 'unmapped'
             GROUP BY provider, raw_status, detail_code
             ORDER BY count(*) DESC, provider, raw_status, detail_code
             LIMIT $1::integer
            """)
        /// Receipts per UTC day, provider and outcome between `$1` and `$2` (Unix seconds, the end excluded). The
        /// range on `received_at` and the three columns read are all in `callback_receipts_received_stats_idx`,
        /// so an index-only scan answers it. Days are counted from the epoch, which needs no time zone setting.
        static let dailyCounts = PreparedStatement(name: "receipt_daily_counts", sql: """
            SELECT floor(extract(epoch FROM received_at) / 86400)::bigint AS day, provider, outcome, count(*) AS count
              FROM callback_receipts
             WHERE received_at >= to_timestamp($1::float8) AND received_at < to_timestamp($2::float8)
             GROUP BY 1, 2, 3
            """)
    }
}
