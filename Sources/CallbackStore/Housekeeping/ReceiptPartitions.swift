import CallbackCore
import Foundation

/// The day partitions of `callback_receipts` (migration 15): one per UTC day, added ahead of the days they will
/// hold, and dropped whole once retention keeps none of the days they hold. The functions they call are the
/// migration's; this only decides which days.
public struct ReceiptPartitions: Sendable {
    /// How long a detach waits for the lock on `callback_receipts`. Detaching needs the table to itself for a
    /// moment; behind a long query it would hold every receipt in the queue behind it, so it gives up instead
    /// and the job's next run tries again.
    public static let lockTimeout = "5s"

    /// Adds the partition of each day from `today` through `daysAhead` days after it that has none (a day the
    /// legacy partition covers has one). Returns how many were added.
    public static func addDays(from today: CivilDate, ahead daysAhead: Int, on connection: PostgresConnection) throws(DatabaseError) -> Int {
        var added = 0
        for offset in 0...max(daysAhead, 0) {
            let day = today.adding(days: offset).description
            if try connection.query(Statements.addDay, [day]).value("added") == "t" { added += 1 }
        }
        return added
    }

    /// Drops every partition whose days all come before the cutoff, its `waiting` receipts moved to the DEFAULT
    /// partition first, and returns how many receipts went. The receipts the cutoff reaches in partitions that
    /// also hold later days (the legacy and DEFAULT partitions) are left to ``ReceiptRetention``'s batches.
    public static func drop(before cutoff: RetentionCutoff, on connection: PostgresConnection) throws(DatabaseError) -> Int {
        let old = try connection.query(Statements.dropped, [String(cutoff.deleteBefore.timeIntervalSince1970)])
        var removed = 0
        for row in old.rows.indices {
            guard let name = old.value("name", row: row) else { continue }
            // Each partition in a transaction of its own, so that the parent is locked for one drop at a time.
            removed += try connection.transaction { () throws(DatabaseError) -> Int in
                _ = try connection.query(Statements.lockTimeout, [lockTimeout])
                return Int(try connection.query(Statements.drop, [name]).value("removed") ?? "") ?? 0
            }
        }
        return removed
    }

    /// The partitions and their bounds, oldest first (for tests and operators: `callback_receipts_partitions()`).
    public static func list(on connection: PostgresConnection) throws(DatabaseError) -> [(name: String, from: String?, to: String?)] {
        let result = try connection.query(Statements.list)
        return result.rows.indices.compactMap { row in
            result.value("name", row: row).map { ($0, result.value("low", row: row), result.value("high", row: row)) }
        }
    }

    private enum Statements {
        /// `$1` the day, `YYYY-MM-DD`.
        static let addDay = PreparedStatement(name: "partitions_add_day", sql: "SELECT callback_receipts_add_day($1::date) AS added")
        /// `$1` the cutoff (Unix seconds): partitions whose upper bound is at or before it.
        static let dropped = PreparedStatement(name: "partitions_before", sql: """
            SELECT name FROM callback_receipts_partitions()
             WHERE NOT is_default AND high <= to_timestamp($1::float8)
             ORDER BY high
            """)
        /// `$1` the partition's name.
        static let drop = PreparedStatement(name: "partitions_drop", sql: "SELECT callback_receipts_drop_partition($1::text) AS removed")
        /// `$1` the lock timeout, for this transaction only.
        static let lockTimeout = PreparedStatement(name: "partitions_lock_timeout", sql: "SELECT set_config('lock_timeout', $1::text, true)")
        static let list = PreparedStatement(name: "partitions_list", sql: """
            SELECT name, to_char(low AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS low, to_char(high AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS high
              FROM callback_receipts_partitions()
            """)
    }
}
