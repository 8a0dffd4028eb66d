/// One step of the schema, applied once and recorded in `schema_migrations`.
public struct Migration: Sendable, Hashable {
    /// The step's number; steps run in ascending order and numbers never change once released.
    public let version: Int
    /// What the step does, as recorded.
    public let name: String
    /// The statements, run in one transaction.
    public let statements: [String]
    /// Statements run before that transaction, each on its own and outside any transaction, without a statement
    /// timeout: the slow preparations that must not hold a lock against reads and writes for as long as they take
    /// (`CREATE INDEX CONCURRENTLY`, `VALIDATE CONSTRAINT`). Each must be safe to run again: a run that fails after
    /// them and before the transaction commits runs them again next time.
    public let online: [String]

    /// Creates a migration.
    public init(version: Int, name: String, online: [String] = [], statements: [String]) {
        self.version = version
        self.name = name
        self.online = online
        self.statements = statements
    }
}
