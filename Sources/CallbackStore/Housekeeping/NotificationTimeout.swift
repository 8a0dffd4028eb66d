import CallbackCore
import Foundation

/// Gives up on notifications a provider never answered for: those still `sending` or `pending` since before a
/// cutoff (their `sent_at`, or `created_at` when never sent) get the status the transition rules give a
/// `temporary-failure` receipt, with `updated_by = 'timeout'`, a version bump and a history row, exactly as a
/// receipt would write them.
///
/// Work goes in batches, one statement each, so that a backlog of millions never holds one long transaction or
/// its locks. Rows a receipt holds locked at that moment are skipped, not waited for; the next run takes them if
/// they are still open.
public struct NotificationTimeout: Sendable {
    /// The `updated_by` of every change the timeout makes.
    public static let actor = "timeout"

    /// Notifications open since before this instant are timed out; at exactly this instant they are not.
    public let cutoff: Date
    /// Notifications changed per statement.
    public let batchSize: Int
    private let plan = TransitionRules.plan(for: .temporaryFailure)

    /// Creates a timeout of notifications open since before `cutoff`.
    public init(cutoff: Date, batchSize: Int) {
        self.cutoff = cutoff
        self.batchSize = max(batchSize, 1)
    }

    /// Times out every notification due, batch after batch until a batch comes back short, then counts the
    /// `created` notifications just as old.
    public func apply(on connection: PostgresConnection) throws(DatabaseError) -> TimeoutResult {
        let parameters = [
            String(cutoff.timeIntervalSince1970), String(batchSize),
            plan.fromSending?.rawValue, plan.fromPending?.rawValue, Self.actor,
        ]
        var totals: [TimedOutGroup] = []
        var batches = 0
        var changed = 0
        repeat {
            let result = try connection.query(Statements.timeOut, parameters)
            batches += 1
            changed = 0
            for row in result.rows.indices {
                guard let type = result.value("notification_type", row: row), let status = result.value("status", row: row),
                      let count = result.value("count", row: row).flatMap({ Int($0) }) else { continue }
                changed += count
                if let index = totals.firstIndex(where: { $0.notificationType == type && $0.status == status }) {
                    totals[index].count += count
                } else {
                    totals.append(TimedOutGroup(notificationType: type, status: status, count: count))
                }
            }
        } while changed >= batchSize
        let created = try connection.query(Statements.stuckCreated, [String(cutoff.timeIntervalSince1970)])
        var stuck: [String: Int] = [:]
        for row in created.rows.indices {
            guard let type = created.value("notification_type", row: row) else { continue }
            stuck[type] = created.value("count", row: row).flatMap { Int($0) } ?? 0
        }
        return TimeoutResult(timedOut: totals, stuckCreated: stuck, batches: batches)
    }

    /// `$1` cutoff (Unix seconds), `$2` batch size, `$3` status written from `sending`, `$4` from `pending`
    /// (NULL: no change), `$5` updated_by.
    private enum Statements {
        static let timeOut = PreparedStatement(name: "timeout_batch", sql: """
            WITH due AS (
                SELECT id FROM notifications
                 WHERE status IN ('sending', 'pending') AND COALESCE(sent_at, created_at) < to_timestamp($1::float8)
                   AND ((status = 'sending' AND $3::text IS NOT NULL) OR (status = 'pending' AND $4::text IS NOT NULL))
                 LIMIT $2::integer
                 FOR UPDATE SKIP LOCKED
            ),
            changed AS (
                -- The status is checked again against the row as locked: a receipt may have settled it since.
                UPDATE notifications n
                   SET status = CASE n.status WHEN 'sending' THEN $3::text WHEN 'pending' THEN $4::text END,
                       updated_at = now(),
                       updated_by = $5::text,
                       version = n.version + 1
                  FROM due
                 WHERE n.id = due.id
                   AND ((n.status = 'sending' AND $3::text IS NOT NULL) OR (n.status = 'pending' AND $4::text IS NOT NULL))
                RETURNING \(ReceiptStatements.changedColumns)
            ),
            \(ReceiptStatements.history),
            \(CallbackQueueing.statusCallbacks(from: "changed"))
            SELECT notification_type, status, count(*) AS count FROM changed GROUP BY notification_type, status
            """)

        /// Every notification type, with zero when none is stuck, so a gauge falls back to zero.
        static let stuckCreated = PreparedStatement(name: "timeout_stuck_created", sql: """
            SELECT t.notification_type, count(n.id) AS count
              FROM (VALUES ('email'), ('sms')) AS t (notification_type)
              LEFT JOIN notifications n
                ON n.notification_type = t.notification_type AND n.status = 'created'
               AND n.created_at < to_timestamp($1::float8)
             GROUP BY t.notification_type
            """)
    }
}
