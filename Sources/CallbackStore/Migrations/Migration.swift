/// One step of the schema, applied once and recorded in `schema_migrations`.
public struct Migration: Sendable, Hashable {
    /// The step's number; steps run in ascending order and numbers never change once released.
    public let version: Int
    /// What the step does, as recorded.
    public let name: String
    /// The statements, run in one transaction.
    public let statements: [String]

    /// Creates a migration.
    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}
