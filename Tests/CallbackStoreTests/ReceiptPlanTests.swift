import Foundation
import Testing
import TestSupport

@testable import CallbackStore

/// A prepared statement keeps the plan made for it the first time it ran on a connection, from the statistics of
/// that moment. Each receipt statement must therefore find its rows through an index condition whatever those
/// statistics are: made while `callback_receipts` looked empty, a plan that read a whole partial index instead cost
/// more with every waiting receipt, for as long as the connection lived.
@Suite("Receipt statement plans")
struct ReceiptPlanTests {
    static let statements: [(PreparedStatement, parameterCount: Int)] = [
        (ReceiptStatements.recordByID, 17), (ReceiptStatements.recordByReference, 17),
        (ReceiptStatements.retryByID, 13), (ReceiptStatements.retryByReference, 13),
    ]

    @Test("every table read of a receipt statement has an index condition, on empty tables and on full ones", arguments: [false, true])
    func indexConditions(populated: Bool) async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            if populated {
                for _ in 0..<50 {
                    let id = try await database.insertNotification(status: .sending)
                    _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered))
                    _ = try await database.store.record(ReceiptFactory.incoming(for: .id(UUID()), rawStatus: "0", target: .delivered))
                }
                try await database.query("ANALYZE")
            }
            for (statement, count) in Self.statements {
                let plan = try await database.workers.run { connection throws(DatabaseError) in
                    _ = try connection.execute("SET plan_cache_mode = force_generic_plan")
                    _ = try connection.execute("PREPARE plan_probe AS \(statement.sql)")
                    defer { _ = try? connection.execute("DEALLOCATE plan_probe") }
                    let nulls = Array(repeating: "NULL", count: count).joined(separator: ", ")
                    return try connection.execute("EXPLAIN (FORMAT JSON) EXECUTE plan_probe(\(nulls))").rows.first?.first ?? nil
                }
                let root = try #require(plan.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [[String: Any]])
                let reads = Self.tableReads(in: try #require(root.first?["Plan"] as? [String: Any]))
                #expect(!reads.isEmpty, "\(statement.name): the plan reads tables")
                for read in reads {
                    #expect(read.condition != nil, "\(statement.name): \(read.node) on \(read.relation) via \(read.index ?? "no index") has no index condition")
                }
            }
        }
    }

    private struct TableRead {
        var node: String
        var relation: String
        var index: String?
        var condition: String?
    }

    /// Every plan node that reads rows of a table (not a CTE or a subquery), with its index condition.
    private static func tableReads(in node: [String: Any]) -> [TableRead] {
        var reads: [TableRead] = []
        if let relation = node["Relation Name"] as? String, let type = node["Node Type"] as? String,
           type.hasSuffix("Scan") {
            reads.append(TableRead(node: type, relation: relation, index: node["Index Name"] as? String,
                                   condition: (node["Index Cond"] ?? node["Recheck Cond"]) as? String))
        }
        for child in node["Plans"] as? [[String: Any]] ?? [] { reads += tableReads(in: child) }
        return reads
    }
}
