import Foundation

/// Brings the schema up to date. Safe to run again, and from several replicas at once: the whole run holds an
/// advisory lock, so one replica migrates and the others then find nothing to do. The pending migrations run in one
/// transaction, except that a migration with ``Migration/online`` statements starts a new one after them (those
/// statements cannot run inside a transaction, or must not hold its locks while they scan a large table).
public struct Migrator: Sendable {
    private let workers: DatabaseWorkers
    private let migrations: [Migration]

    /// The advisory lock key that serialises migration runs ("cbgw" in ASCII).
    static let lockKey = "1667393399"

    /// Creates a migrator for the given migrations (by default the gateway's schema).
    public init(workers: DatabaseWorkers, migrations: [Migration] = Schema.migrations) {
        self.workers = workers
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies the migrations not yet recorded and returns them, in the order applied.
    public func migrate() async throws(DatabaseError) -> [Migration] {
        try await workers.run { [migrations] connection throws(DatabaseError) in
            // A session lock, not a transaction's: the run may span several transactions. A lost connection has
            // released it already. Polled, not waited for: `CREATE INDEX CONCURRENTLY` waits for every statement
            // with an older snapshot, and a replica's statement waiting for this lock is one, which PostgreSQL
            // reports as a deadlock.
            while try connection.query(Statements.lock, [Self.lockKey]).value("locked") != "t" {
                Thread.sleep(forTimeInterval: 0.1)
            }
            defer { if !connection.isBroken { _ = try? connection.query(Statements.unlock, [Self.lockKey]) } }
            try connection.execute(Statements.createLedger)
            let done = Set(try connection.query(Statements.appliedVersions).rows.compactMap { $0[0].flatMap { Int($0) } })
            let pending = migrations.filter { !done.contains($0.version) }
            var applied: [Migration] = []
            var start = pending.startIndex
            while start < pending.endIndex {
                if !pending[start].online.isEmpty {
                    // Index builds and validations of a large table take minutes: no statement timeout for them.
                    try connection.execute("SET statement_timeout = 0")
                    defer { if !connection.isBroken { _ = try? connection.execute("RESET statement_timeout") } }
                    for statement in pending[start].online { try connection.execute(statement) }
                }
                var end = start + 1
                while end < pending.endIndex, pending[end].online.isEmpty { end += 1 }
                try connection.transaction { () throws(DatabaseError) in
                    for migration in pending[start..<end] {
                        for statement in migration.statements { try connection.execute(statement) }
                        _ = try connection.query(Statements.record, [String(migration.version), migration.name])
                    }
                }
                applied += pending[start..<end]
                start = end
            }
            return applied
        }
    }

    /// The versions recorded as applied.
    public func appliedVersions() async throws(DatabaseError) -> [Int] {
        try await workers.run { connection throws(DatabaseError) in
            try connection.execute(Statements.createLedger)
            return try connection.query(Statements.appliedVersions).rows.compactMap { $0[0].flatMap { Int($0) } }
        }
    }

    private enum Statements {
        static let lock = PreparedStatement(name: "migrator_lock", sql: "SELECT pg_try_advisory_lock($1::bigint) AS locked")
        static let unlock = PreparedStatement(name: "migrator_unlock", sql: "SELECT pg_advisory_unlock($1::bigint)")
        static let createLedger = """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """
        static let appliedVersions = PreparedStatement(
            name: "migrator_applied",
            sql: "SELECT version FROM schema_migrations ORDER BY version"
        )
        static let record = PreparedStatement(
            name: "migrator_record",
            sql: "INSERT INTO schema_migrations (version, name) VALUES ($1::integer, $2::text)"
        )
    }
}
