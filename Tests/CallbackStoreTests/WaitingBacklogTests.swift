import CallbackCore
import Foundation
import Testing
import TestSupport

@testable import CallbackStore

/// The backlog of waiting receipts behind the Prometheus gauges: what it counts, and that an index answers it.
@Suite("Waiting backlog")
struct WaitingBacklogTests {
    @Test("counts the waiting receipts alone and finds the oldest of them; none waiting is zero and no date")
    func countsWaitingOnly() async throws {
        try await TestDatabase.with { database in
            #expect(try await database.store.waitingBacklog() == WaitingBacklog(count: 0, oldestReceivedAt: nil))
            for _ in 0..<3 {
                let waiting = try await database.store.record(ReceiptFactory.incoming(for: .id(UUID()), rawStatus: "0", target: .delivered))
                #expect(waiting.outcome == .waiting)
            }
            let id = try await database.insertNotification(status: .sending)
            let applied = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered))
            #expect(applied.outcome == .applied)
            // The oldest waiting receipt, and an older receipt that is not waiting, which must not count.
            try await database.query("""
                UPDATE callback_receipts SET received_at = '2026-03-01T08:00:00Z'
                 WHERE id = (SELECT min(id) FROM callback_receipts WHERE outcome = 'waiting')
                """)
            try await database.query("UPDATE callback_receipts SET received_at = '2025-01-01T00:00:00Z' WHERE outcome = 'applied'")
            try await database.insertReceipt(outcome: .orphaned, receivedAt: Date(timeIntervalSince1970: 1_600_000_000))

            let backlog = try await database.store.waitingBacklog()
            #expect(backlog.count == 3)
            #expect(backlog.oldestReceivedAt == ISO8601DateFormatter().date(from: "2026-03-01T08:00:00Z"))
        }
    }

    @Test("the backlog's query reads the partial index of waiting receipts, never the whole table")
    func readsTheWaitingIndex() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            for _ in 0..<200 { try await database.insertReceipt(receivedAt: Date()) }
            for _ in 0..<5 { _ = try await database.store.record(ReceiptFactory.incoming(for: .id(UUID()), rawStatus: "0", target: .delivered)) }
            let plan = try await database.workers.run { connection throws(DatabaseError) -> String in
                try connection.execute("VACUUM ANALYZE callback_receipts")
                // A table this small is cheaper to read whole; with that option out of the way, the plan shows
                // whether the index can answer the query at all.
                try connection.execute("SET enable_seqscan = off")
                defer { _ = try? connection.execute("RESET enable_seqscan") }
                return try connection.execute("EXPLAIN " + WaitingBacklog.statement.sql).rows.compactMap { $0.first ?? nil }.joined(separator: "\n")
            }
            #expect(plan.contains("callback_receipts_waiting_due_idx"), "\(plan)")
            #expect(!plan.contains("Seq Scan"), "\(plan)")
        }
    }
}
