import CallbackCore
@testable import CallbackStore
import Foundation
import Testing
import TestSupport

@Suite("The dashboard's backlog: waiting receipts, recent orphans, last job runs")
struct BacklogStoreTests {
    static let now = Date()

    /// A waiting receipt received at `receivedAt`, due again in a minute, as the gateway stores one.
    static func insertWaiting(_ database: TestDatabase, receivedAt: Date) async throws {
        try await database.query("""
            INSERT INTO callback_receipts (provider, received_at, raw_body, raw_status, outcome, next_attempt_at, dedupe_key)
            VALUES ('firetext', to_timestamp($1::float8), 'status=0', '0', 'waiting', now() + interval '1 minute',
                    sha256(convert_to(gen_random_uuid()::text, 'UTF8')))
            """, [String(receivedAt.timeIntervalSince1970)])
    }

    @Test("count and oldest of the waiting receipts, orphans received in the last day, each job's newest run")
    func numbers() async throws {
        try await TestDatabase.with { database in
            #expect(try await database.store.waitingBacklog() == WaitingBacklog(count: 0, oldestReceivedAt: nil))
            #expect(try await database.store.lastJobRuns().isEmpty)
            let oldest = Date(timeIntervalSince1970: (Self.now.timeIntervalSince1970 - 7200).rounded())
            try await Self.insertWaiting(database, receivedAt: oldest)
            try await Self.insertWaiting(database, receivedAt: oldest.addingTimeInterval(60))
            try await database.insertReceipt(outcome: .applied, receivedAt: oldest)
            try await database.insertReceipt(outcome: .orphaned, receivedAt: Self.now.addingTimeInterval(-3600))
            try await database.insertReceipt(outcome: .orphaned, receivedAt: Self.now.addingTimeInterval(-3 * 86_400))
            try await database.query("""
                INSERT INTO job_runs (job, period_start, started_at, finished_at, rows_affected, replica, error) VALUES
                ('timeout', now() - interval '2 hours', now() - interval '2 hours', now() - interval '2 hours', 4, 'replica-a', NULL),
                ('timeout', now() - interval '1 hour', now() - interval '1 hour', NULL, NULL, 'replica-b', 'connection lost'),
                ('retention', now() - interval '1 day', now() - interval '1 day', now() - interval '1 day', 12, 'replica-a', NULL)
                """)

            #expect(try await database.store.waitingBacklog() == WaitingBacklog(count: 2, oldestReceivedAt: oldest))
            #expect(try await database.store.orphanedCount(receivedSince: Self.now.addingTimeInterval(-86_400)) == 1)
            let runs = try await database.store.lastJobRuns()
            #expect(runs.map(\.job) == [.timeout, .retention])
            #expect(runs.first?.replica == "replica-b")
            #expect(runs.first?.error == "connection lost")
            #expect(runs.first?.finishedAt == nil)
            #expect(runs.last?.rowsAffected == 12)
        }
    }

    @Test("each backlog query, and the unmapped statuses the dashboard shows, reads an index")
    func plansUseIndexes() async throws {
        try await TestDatabase.with { database in
            for hour in 0..<30 {
                try await Self.insertWaiting(database, receivedAt: Self.now.addingTimeInterval(Double(-hour) * 3600))
                try await database.insertReceipt(outcome: .orphaned, receivedAt: Self.now.addingTimeInterval(Double(-hour) * 3600))
            }
            let statements = PostgresReceiptStore.BacklogStatements.self
            let cases: [(String, String)] = [
                (WaitingBacklog.statement.sql, "callback_receipts_waiting_due_idx"),
                (statements.orphaned.sql.replacingOccurrences(of: "$1::float8", with: String(Self.now.timeIntervalSince1970 - 86_400)),
                 "Index Only Scan using callback_receipts_received_stats_idx"),
                (statements.lastRun.sql.replacingOccurrences(of: "$1::text", with: "'timeout'"), "job_runs_pkey"),
                (PostgresReceiptStore.Statements.unmapped.sql.replacingOccurrences(of: "$1::integer", with: "1000"),
                 "Index Only Scan using callback_receipts_unmapped_idx"),
            ]
            for (sql, index) in cases {
                let plan = try await database.workers.run { connection throws(DatabaseError) -> String in
                    try connection.execute("VACUUM ANALYZE callback_receipts")
                    try connection.execute("VACUUM ANALYZE job_runs")
                    // Small tables are cheaper to read whole; with that out of the way, the plan shows whether an
                    // index can answer the query at all.
                    try connection.execute("SET enable_seqscan = off")
                    defer { _ = try? connection.execute("RESET enable_seqscan") }
                    return try connection.execute("EXPLAIN " + sql).rows.compactMap { $0.first ?? nil }.joined(separator: "\n")
                }
                #expect(plan.contains(index), "\(plan)")
            }
        }
    }
}
