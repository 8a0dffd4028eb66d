import CallbackCore
import Foundation

/// The receipts still `waiting` for their notification: how many, and since when the oldest has waited.
public struct WaitingBacklog: Sendable, Hashable {
    /// How many receipts are `waiting`.
    public let count: Int
    /// When the oldest `waiting` receipt arrived; `nil` when none waits.
    public let oldestReceivedAt: Date?

    /// Creates a backlog.
    public init(count: Int, oldestReceivedAt: Date?) {
        self.count = count
        self.oldestReceivedAt = oldestReceivedAt
    }

    /// The backlog's query. A waiting receipt always has its next attempt set (the receipt statements and the
    /// retrier set `next_attempt_at` whenever the outcome is `waiting`), so `next_attempt_at IS NOT NULL` adds no
    /// condition but lets PostgreSQL read the retrier's partial index `callback_receipts_waiting_due_idx`, which
    /// holds only the waiting receipts, instead of the whole table. Internal so that a test can show its plan.
    static let statement = PreparedStatement(name: "receipt_waiting_backlog", sql: """
        SELECT count(*) AS count, extract(epoch FROM min(received_at)) AS oldest
          FROM callback_receipts
         WHERE outcome = 'waiting' AND next_attempt_at IS NOT NULL
        """)

    /// Reads the statement's one row.
    static func read(_ result: QueryResult) -> WaitingBacklog {
        let count = result.value("count", row: 0).flatMap { Int($0) } ?? 0
        let oldest = result.value("oldest", row: 0).flatMap { Double($0) }.map { Date(timeIntervalSince1970: $0) }
        return WaitingBacklog(count: count, oldestReceivedAt: count == 0 ? nil : oldest)
    }
}
