/// Brings the schema up to date. Safe to run again, and from several replicas at once: the whole run is one
/// transaction under an advisory lock, so one replica migrates and the others then find nothing to do.
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
            try connection.transaction { () throws(DatabaseError) -> [Migration] in
                _ = try connection.query(Statements.lock, [Self.lockKey])
                try connection.execute(Statements.createLedger)
                let done = Set(try connection.query(Statements.appliedVersions).rows.compactMap { $0[0].flatMap { Int($0) } })
                var applied: [Migration] = []
                for migration in migrations where !done.contains(migration.version) {
                    for statement in migration.statements { try connection.execute(statement) }
                    _ = try connection.query(Statements.record, [String(migration.version), migration.name])
                    applied.append(migration)
                }
                return applied
            }
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
        static let lock = PreparedStatement(name: "migrator_lock", sql: "SELECT pg_advisory_xact_lock($1::bigint)")
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
