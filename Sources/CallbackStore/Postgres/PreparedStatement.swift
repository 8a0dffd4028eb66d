/// A statement the gateway runs, prepared once per connection under its name.
///
/// SQL is always a constant of the program; values travel separately as parameters.
public struct PreparedStatement: Sendable, Hashable {
    /// The name the statement is prepared under; unique within the program.
    public let name: String
    /// The SQL text, with `$1`, `$2`, ... for parameters.
    public let sql: String

    /// Creates a statement.
    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}
