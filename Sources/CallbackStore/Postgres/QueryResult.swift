/// Rows returned by a statement, as text (libpq's text format).
public struct QueryResult: Sendable, Hashable {
    /// Column names, in order.
    public let columns: [String]
    /// Values by row, then column; `nil` for SQL NULL.
    public let rows: [[String?]]
    /// Rows the statement changed, for commands that report it.
    public let affectedRows: Int

    /// The value of a named column in a row, or `nil` when NULL or when there is no such row or column.
    public func value(_ column: String, row: Int = 0) -> String? {
        guard row < rows.count, let index = columns.firstIndex(of: column) else { return nil }
        return rows[row][index]
    }
}
