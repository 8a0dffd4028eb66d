import CallbackStore
import Foundation
import TestSupport

/// A session of its own that holds locks in an open transaction, as a slow transaction of the platform (or a
/// receipt still being stored) would, until released: notifications' rows (`SELECT … FOR UPDATE`), or whatever
/// the statements given to ``hold(in:_:)`` lock.
struct RowLock {
    private let workers: DatabaseWorkers
    /// The locking session's backend pid, to find the statements it blocks.
    let pid: String

    /// Opens a session on `database` and locks the rows of `ids`.
    static func take(_ ids: [UUID], in database: TestDatabase) async throws -> RowLock {
        let list = "{" + ids.map { $0.uuidString.lowercased() }.joined(separator: ",") + "}"
        return try await hold(in: database) { connection throws(DatabaseError) in
            _ = try connection.query(PreparedStatement(name: "lock_rows", sql: "SELECT id FROM notifications WHERE id = ANY($1::uuid[]) FOR UPDATE"), [list])
        }
    }

    /// Opens a session on `database`, begins a transaction and runs `statements` in it, leaving it open.
    static func hold(in database: TestDatabase, _ statements: @escaping @Sendable (PostgresConnection) throws(DatabaseError) -> Void) async throws -> RowLock {
        let workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1))
        let pid = try await workers.run { connection throws(DatabaseError) in
            try connection.execute("BEGIN")
            try statements(connection)
            return try connection.execute("SELECT pg_backend_pid() AS pid").value("pid") ?? ""
        }
        return RowLock(workers: workers, pid: pid)
    }

    /// How many sessions wait for a lock this one holds.
    func blockedCount(in database: TestDatabase) async throws -> Int {
        Int(try await database.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))", [pid]
        ).value("n") ?? "") ?? 0
    }

    /// Commits the locking transaction and closes the session.
    func release() async throws {
        try await workers.run { connection throws(DatabaseError) in _ = try connection.execute("COMMIT") }
        await workers.shutdownAndWait()
    }
}
