import CallbackCore
import Foundation
import Testing
import TestSupport

@testable import CallbackStore

/// The dispatcher's statements run several times a second on every replica, with plans made once per connection:
/// each must find its rows through an index condition whatever the statistics were then. Made while the outbox
/// looked empty, a claim written with joins read the whole index of pending rows for every candidate.
@Suite("Outbox statement plans")
struct OutboxPlanTests {
    static let statements: [(PreparedStatement, parameterCount: Int)] = [
        (PostgresServiceCallbackOutbox.Statements.claim, 2),
        (PostgresServiceCallbackOutbox.Statements.settle, 6),
    ]

    /// The partial indexes that hold only rows of one state or two: counting what they hold reads nothing else.
    static let partialIndexes: Set = ["service_callback_outbox_due_idx", "service_callback_outbox_ended_idx"]

    @Test("the claim and the settlement read through index conditions, the counts through partial indexes alone, whatever the statistics",
          arguments: ReceiptPlanTests.TableState.allCases.map { ($0, false) } + [(.populated, true)])
    func indexConditions(state: ReceiptPlanTests.TableState, settledOnly: Bool) async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            try await state.prepare(database)
            if state == .populated {
                // Every row left given up, as after a quiet spell (sent rows are deleted): the partial index of
                // pending rows looks empty, which once made the claim read the due index whole for every candidate.
                let states = settledOnly ? "ARRAY['dead']" : "ARRAY['pending', 'dead', 'failed', 'dead', 'dead']"
                try await database.query("""
                    INSERT INTO service_callbacks (service_id, callback_type, url, sealed_token)
                    SELECT gen_random_uuid(), 'delivery-status', 'https://hooks.example.com/cb', '\\x01' FROM generate_series(1, 20)
                    """)
                try await database.query("""
                    INSERT INTO service_callback_outbox (notification_id, service_id, callback_type, payload, state)
                    SELECT gen_random_uuid(), gen_random_uuid(), 'delivery-status', '{}',
                           (\(states))[1 + i % \(settledOnly ? 1 : 5)]
                      FROM generate_series(1, 2000) AS i
                    """)
                try await database.query("ANALYZE")
            }
            for (statement, count) in Self.statements {
                let reads = try await ReceiptPlanTests.genericPlanReads(statement, parameterCount: count, in: database)
                #expect(!reads.isEmpty, "\(statement.name): the plan reads tables")
                for read in reads {
                    #expect(read.condition != nil, "\(statement.name) (\(state)\(settledOnly ? ", settled only" : "")): \(read.node) on \(read.relation) via \(read.index ?? "no index") has no index condition")
                }
            }
            // Counting every pending (or dead, or failed) row reads a partial index whole, or the heap pages its
            // bitmap names: that is its job. Never the whole table.
            let counts = try await ReceiptPlanTests.genericPlanReads(PostgresServiceCallbackOutbox.Statements.counts, parameterCount: 0, in: database)
            #expect(counts.count == 3)
            for read in counts {
                let partial = read.node == "Bitmap Heap Scan" || read.index.map(Self.partialIndexes.contains) == true
                #expect(partial, "outbox_counts (\(state)): \(read.node) on \(read.relation) via \(read.index ?? "no index")")
            }
        }
    }

    @Test("taking a row writes only columns no index reads, so the claim adds no index entries (a heap-only update)")
    func claimIsHeapOnly() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let definitions = try await database.query("""
                SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'service_callback_outbox'::regclass
                """).rows.compactMap { $0.first ?? nil }
            #expect(definitions.count == 4, "\(definitions)")
            for definition in definitions {
                for column in ["leased_until", "attempts"] {
                    #expect(!definition.contains(column), "\(definition) reads \(column), which every claim writes")
                }
            }
            let claim = PostgresServiceCallbackOutbox.Statements.claim.sql
            let assignments = claim.components(separatedBy: "SET ")[1].components(separatedBy: "WHERE")[0]
            #expect(assignments.contains("leased_until =") && assignments.contains("attempts ="))
            #expect(!assignments.contains("next_attempt_at") && !assignments.contains("state"), "the claim sets \(assignments)")
        }
    }
}
