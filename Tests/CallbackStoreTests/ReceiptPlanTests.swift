import CallbackCore
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
    /// Every form that reads a table, with its number of parameters (the unreadable-event form only inserts).
    static let statements: [(PreparedStatement, parameterCount: Int)] = ReceiptStatements.allForms
        .filter { $0.name != ReceiptStatements.recordUnreadable.name }
        .map { ($0, $0.name.contains("retry") ? 14 : $0.name.contains("claiming_token") ? 20 : 19) }

    @Test("only a receipt mapped to a complaint runs a statement that stores complaints; each lookup its own form")
    func complaintFormsOnly() {
        let targets: [MappingTarget?] = MappingTarget.allCases.map { $0 } + [nil]
        for target in targets {
            for lookup in [NotificationLookup.id(UUID()), .reference("ref-1")] {
                let incoming = ReceiptFactory.incoming(for: lookup, rawStatus: "x", target: target)
                let application = ReceiptApplication(incoming.mapped, decisions: ReceiptDecisions(target: target), retryDelay: 1)
                for write in [ReceiptWrite(incoming, retryDelay: 1), .reapplied(application, receiptID: 1)] {
                    guard case .prepared(let statement, let parameters) = ReceiptStatements.command(write) else {
                        Issue.record("a receipt write is a prepared statement")
                        continue
                    }
                    let byID = if case .id = lookup { true } else { false }
                    #expect(statement.sql.contains("INSERT INTO complaints") == (target == .complaint), "\(statement.name) for \(target?.rawValue ?? "unmapped")")
                    #expect(statement.sql.contains("WHERE id = $1::uuid") == byID, "\(statement.name) looks up by the wrong key")
                    #expect(parameters.count == (statement.name.contains("retry") ? 14 : 19), "\(statement.name)")
                }
            }
        }
    }

    @Test("the statements' order of statuses is the rules' own")
    func statusOrder() {
        #expect(ReceiptStatements.statusOrder == ReceiptDecisions.statusOrder.map(\.rawValue))
    }

    /// The statistics a plan may be made from.
    enum TableState: String, CaseIterable, CustomTestStringConvertible {
        /// A new database: no table analysed yet.
        case new
        /// Every table emptied and vacuumed, as a vacuum after a purge leaves them: PostgreSQL then knows they hold
        /// no rows, and a whole-index read costs what one lookup does. A plan made from this once read the whole
        /// index of receipt keys for every receipt (seen in the benchmark, after autovacuum met the emptied table).
        case vacuumedEmpty
        /// Receipts and notifications in the tables, analysed.
        case populated

        var testDescription: String { rawValue }

        /// Brings a new test database into this state: populated with notifications (each with a reference) and
        /// receipts for them and for notifications that do not exist.
        func prepare(_ database: TestDatabase) async throws {
            switch self {
            case .new:
                break
            case .vacuumedEmpty:
                try await database.query("VACUUM ANALYZE")
            case .populated:
                for index in 0..<50 {
                    let id = try await database.insertNotification(status: .sending, reference: "ref-\(index)")
                    _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered))
                    _ = try await database.store.record(ReceiptFactory.incoming(for: .id(UUID()), rawStatus: "0", target: .delivered))
                }
                try await database.query("ANALYZE")
            }
        }
    }

    @Test("every table read of a receipt statement has an index condition, whatever the statistics", arguments: TableState.allCases)
    func indexConditions(state: TableState) async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            try await state.prepare(database)
            for (statement, count) in Self.statements {
                let reads = try await Self.genericPlanReads(statement, parameterCount: count, in: database)
                #expect(!reads.isEmpty, "\(statement.name): the plan reads tables")
                for read in reads {
                    #expect(read.condition != nil, "\(statement.name): \(read.node) on \(read.relation) via \(read.index ?? "no index") has no index condition")
                }
            }
        }
    }

    @Test("every look-up statement reads its tables through an index, whatever the statistics", arguments: TableState.allCases)
    func lookUpIndexConditions(state: TableState) async throws {
        let statements: [(PreparedStatement, parameterCount: Int)] = [
            (NotificationTrail.Statements.notificationByID, 3),
            (NotificationTrail.Statements.notificationByReference, 3),
            (NotificationTrail.Statements.receipts, 2),
        ]
        try await TestDatabase.with(poolSize: 1) { database in
            try await state.prepare(database)
            for (statement, count) in statements {
                let reads = try await Self.genericPlanReads(statement, parameterCount: count, in: database)
                #expect(!reads.isEmpty, "\(statement.name): the plan reads tables")
                for read in reads {
                    #expect(read.condition != nil, "\(statement.name): \(read.node) on \(read.relation) via \(read.index ?? "no index") has no index condition")
                }
            }
        }
    }

    /// The table reads of the generic plan PostgreSQL makes for `statement` (every parameter NULL).
    static func genericPlanReads(_ statement: PreparedStatement, parameterCount: Int, in database: TestDatabase) async throws -> [TableRead] {
        let plan = try await database.workers.run { connection throws(DatabaseError) in
            _ = try connection.execute("SET plan_cache_mode = force_generic_plan")
            _ = try connection.execute("PREPARE plan_probe AS \(statement.sql)")
            defer { _ = try? connection.execute("DEALLOCATE plan_probe") }
            let nulls = Array(repeating: "NULL", count: parameterCount).joined(separator: ", ")
            let arguments = parameterCount == 0 ? "" : "(\(nulls))"
            return try connection.execute("EXPLAIN (FORMAT JSON) EXECUTE plan_probe\(arguments)").rows.first?.first ?? nil
        }
        let root = try #require(plan.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [[String: Any]])
        return tableReads(in: try #require(root.first?["Plan"] as? [String: Any]))
    }

    @Test("each index of waiting receipts serves only its own lookup: never read whole for another")
    func partialIndexesServeTheirOwnLookup() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let plans = try await database.workers.run { connection throws(DatabaseError) in
                // With the index that answers a lookup dropped (in a transaction rolled back), the planner reaches for
                // any index it may read. A partial index whose predicate the lookup implies would be read whole.
                _ = try connection.execute("BEGIN")
                defer { _ = try? connection.execute("ROLLBACK") }
                _ = try connection.execute("DROP INDEX callback_receipts_waiting_by_notification_idx")
                let byID = try connection.execute("""
                    EXPLAIN SELECT 1 FROM callback_receipts_waiting
                     WHERE notification_id = '6b3e4a2c-0c8e-4a57-9b1a-2f1f0b7b2d10'::uuid
                    """)
                _ = try connection.execute("ROLLBACK")
                _ = try connection.execute("BEGIN")
                _ = try connection.execute("DROP INDEX callback_receipts_waiting_by_provider_reference_idx")
                let byReference = try connection.execute("EXPLAIN SELECT 1 FROM callback_receipts_waiting WHERE provider_reference = 'ref-1'")
                return (byID.rows.compactMap { $0.first ?? nil }, byReference.rows.compactMap { $0.first ?? nil })
            }
            #expect(!plans.0.contains { $0.contains("reference") }, "a lookup by id read an index by reference: \(plans.0)")
            #expect(!plans.1.contains { $0.contains("notification") }, "a lookup by reference read the index by notification: \(plans.1)")
            for plan in [plans.0, plans.1] {
                #expect(!plan.contains { $0.contains("by_key") || $0.contains("pkey") }, "a lookup read another index whole: \(plan)")
            }
        }
    }

    struct TableRead {
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
