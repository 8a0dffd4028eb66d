import Foundation

/// A plain-text table with aligned columns, for terminal output.
struct TextTable {
    private let columns: [String]
    private var rows: [[String]] = []
    /// Columns whose values are right-aligned (numbers).
    private let numeric: Set<Int>

    init(columns: [String], numeric: Set<Int> = []) {
        self.columns = columns
        self.numeric = numeric
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        let all = [columns] + rows
        let widths = columns.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            columns.indices.map { column in
                let value = row.indices.contains(column) ? row[column] : ""
                let padding = String(repeating: " ", count: widths[column] - value.count)
                return numeric.contains(column) ? padding + value : value + padding
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n"
    }
}
