import CallbackCore
@testable import CallbackStore
import Foundation
import Testing
import TestSupport

@Suite("Housekeeping in the database: timeout, retention, statistics and job runs")
struct HousekeepingStoreTests {
    /// The instant the timeout is run "now" in these tests; 72 hours before it is the cutoff.
    static let now = utc("2026-01-10T12:00:00Z")
    static let cutoff = now.addingTimeInterval(-72 * 3600)

    static func timeOut(_ database: TestDatabase, batchSize: Int = 10_000) async throws -> TimeoutResult {
        let timeout = NotificationTimeout(cutoff: cutoff, batchSize: batchSize)
        return try await database.workers.run { connection throws(DatabaseError) in try timeout.apply(on: connection) }
    }

    @Test("one second past the period both sending and pending time out; at or within it, or never sent yet, nothing changes")
    func boundary() async throws {
        try await TestDatabase.with { database in
            let created = Self.cutoff.addingTimeInterval(-86_400)
            let sendingLate = try await database.insertNotification(status: .sending, createdAt: created, sentAt: Self.cutoff.addingTimeInterval(-1))
            let pendingLate = try await database.insertNotification(status: .pending, type: "email", createdAt: created, sentAt: Self.cutoff.addingTimeInterval(-1))
            let neverSent = try await database.insertNotification(status: .sending, createdAt: Self.cutoff.addingTimeInterval(-1), sentAt: nil)
            let exactly = try await database.insertNotification(status: .sending, createdAt: created, sentAt: Self.cutoff)
            let early = try await database.insertNotification(status: .pending, createdAt: created, sentAt: Self.cutoff.addingTimeInterval(1))
            let stillCreated = try await database.insertNotification(status: .created, createdAt: created, sentAt: nil)
            var finals: [UUID] = []
            for status in [NotificationStatus.delivered, .temporaryFailure, .permanentFailure, .technicalFailure, .sent] {
                finals.append(try await database.insertNotification(status: status, createdAt: created, sentAt: created))
            }

            let result = try await Self.timeOut(database)

            #expect(Set(result.timedOut) == [
                TimedOutGroup(notificationType: "sms", status: "temporary-failure", count: 2),
                TimedOutGroup(notificationType: "email", status: "temporary-failure", count: 1),
            ])
            #expect(result.rowsAffected == 3)
            #expect(result.stuckCreated == ["sms": 1, "email": 0])
            for id in [sendingLate, pendingLate, neverSent] {
                let row = try #require(try await database.notification(id))
                #expect(row.status == .temporaryFailure)
                #expect(row.version == 2)
                #expect(row.updatedBy == "timeout")
                #expect(row.sentBy == nil, "the timeout is not a provider: sent_by stays as it was")
                let before = id == pendingLate ? "pending" : "sending"
                #expect(try await database.history(id).map(\.status) == [before, "temporary-failure"])
                #expect(try await database.historyActors(id).last == "timeout")
            }
            for id in [exactly, early, stillCreated] + finals {
                let row = try #require(try await database.notification(id))
                #expect(row.version == 1)
                #expect(row.updatedBy == nil)
                #expect(try await database.history(id).count == 1)
            }
        }
    }

    @Test("a backlog larger than the batch is worked through in several statements, each notification once")
    func batches() async throws {
        try await TestDatabase.with { database in
            var ids: [UUID] = []
            for index in 0..<25 {
                ids.append(try await database.insertNotification(
                    status: index.isMultiple(of: 2) ? .sending : .pending, createdAt: Self.cutoff.addingTimeInterval(-7200),
                    sentAt: Self.cutoff.addingTimeInterval(-Double(index + 1))
                ))
            }
            let result = try await Self.timeOut(database, batchSize: 10)
            #expect(result.rowsAffected == 25)
            #expect(result.batches == 3)
            let history = try await database.query("SELECT count(*) AS n FROM notification_history WHERE updated_by = 'timeout'")
            #expect(history.value("n") == "25")
            #expect(try await Self.timeOut(database, batchSize: 10).rowsAffected == 0)
        }
    }

    @Test("retention deletes receipts and complaints received before the first kept day, at 23:59:59 and 00:00:00 either side, never waiting ones")
    func retention() async throws {
        try await TestDatabase.with { database in
            // On 2026-01-10 with seven days kept, 2026-01-03 is the first kept day.
            let lastDeleted = utc("2026-01-02T23:59:59Z")
            let firstKept = utc("2026-01-03T00:00:00Z")
            for outcome in [ReceiptOutcome.applied, .duplicate, .orphaned, .unmapped, .complaint] {
                try await database.insertReceipt(outcome: outcome, receivedAt: lastDeleted)
                try await database.insertReceipt(outcome: outcome, receivedAt: firstKept)
            }
            try await database.insertReceipt(outcome: .waiting, receivedAt: utc("2025-06-01T00:00:00Z"))
            try await database.insertReceipt(outcome: .waiting, receivedAt: lastDeleted)
            try await database.insertComplaint(receivedAt: lastDeleted)
            try await database.insertComplaint(receivedAt: firstKept)
            try await database.insertComplaint(receivedAt: utc("2026-01-10T23:59:59Z"))

            let retention = ReceiptRetention(cutoff: RetentionCutoff(today: CivilDate(utcOf: Self.now), keepingDays: 7), batchSize: 2)
            let result = try await database.workers.run { connection throws(DatabaseError) in try retention.apply(on: connection) }

            #expect(result == RetentionResult(receipts: 5, complaints: 1))
            #expect(try await database.remainingRows() == [
                "applied": 1, "duplicate": 1, "orphaned": 1, "unmapped": 1, "complaint": 1, "waiting": 2, "complaints": 2,
            ])
            let left = try await database.query("SELECT count(*) AS n FROM callback_receipts WHERE received_at < $1::timestamptz AND outcome <> 'waiting'", ["2026-01-03T00:00:00Z"])
            #expect(left.value("n") == "0")
        }
    }

    @Test("the statistics query is answered from the received_at index alone")
    func statsUseIndex() async throws {
        try await TestDatabase.with { database in
            for day in 0..<20 { try await database.insertReceipt(receivedAt: utc("2026-01-01T12:00:00Z").addingTimeInterval(Double(day) * 86_400)) }
            let sql = PostgresReceiptStore.Statements.dailyCounts.sql
                .replacingOccurrences(of: "$1::float8", with: "1767571200")
                .replacingOccurrences(of: "$2::float8", with: "1768262400")
            let plan = try await database.workers.run { connection throws(DatabaseError) -> String in
                try connection.execute("VACUUM ANALYZE callback_receipts")
                // A table this small is cheaper to read whole; with that option out of the way, the plan shows
                // whether an index can answer the query at all.
                try connection.execute("SET enable_seqscan = off")
                defer { _ = try? connection.execute("RESET enable_seqscan") }
                return try connection.execute("EXPLAIN " + sql).rows.compactMap { $0.first ?? nil }.joined(separator: "\n")
            }
            #expect(plan.contains("Index Only Scan using callback_receipts_received_stats_idx"), "\(plan)")
        }
    }

    @Test("a job runs under its lock once per period; a second attempt finds it done, a new period runs again")
    func jobRuns() async throws {
        try await TestDatabase.with { database in
            let runner = JobRunner(workers: database.workers, replica: "replica-a")
            let period = JobPeriod(containing: Self.now, length: .seconds(3600))
            let first = try await runner.run(.retention, period: period) { _ throws(DatabaseError) in RetentionResult(receipts: 3, complaints: 1) }
            guard case .ran(let result, _, _) = first else { Issue.record("expected a run, got \(first)"); return }
            #expect(result.rowsAffected == 4)
            let again = try await runner.run(.retention, period: period) { _ throws(DatabaseError) in RetentionResult(receipts: 0, complaints: 0) }
            guard case .alreadyDone = again else { Issue.record("expected already done, got \(again)"); return }
            let next = JobPeriod(containing: Self.now.addingTimeInterval(3600), length: .seconds(3600))
            let later = try await runner.run(.retention, period: next) { _ throws(DatabaseError) in RetentionResult(receipts: 0, complaints: 0) }
            guard case .ran = later else { Issue.record("expected a run, got \(later)"); return }
            let runs = try await database.query("SELECT replica, rows_affected, finished_at IS NOT NULL AS finished FROM job_runs ORDER BY id")
            #expect(runs.rows == [["replica-a", "4", "t"], ["replica-a", "0", "t"]])
        }
    }

    @Test("while one session holds a job's lock, another replica is told it is busy; a failed run is recorded and retried")
    func busyAndFailed() async throws {
        try await TestDatabase.with { database in
            let other = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1))
            let period = JobPeriod(containing: Self.now, length: .seconds(3600))
            let key = String(JobName.timeout.lockKey)
            let holder = PreparedStatement(name: "test_hold_lock", sql: "SELECT pg_advisory_lock($1::bigint)")
            _ = try await other.run { connection throws(DatabaseError) in try connection.query(holder, [key]) }
            let runner = JobRunner(workers: database.workers, replica: "replica-b")
            let busy = try await runner.run(.timeout, period: period) { _ throws(DatabaseError) in RetentionResult(receipts: 1, complaints: 0) }
            guard case .busy = busy else { Issue.record("expected busy, got \(busy)"); return }
            await other.shutdownAndWait()  // the session ends, and its lock with it
            // The server ends the session a moment after the client has gone: wait until the lock is let go.
            for _ in 0..<100 {
                let held = try await database.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND (classid::bigint << 32) | objid::bigint = $1::bigint", [key])
                if held.value("n") == "0" { break }
                try await Task.sleep(for: .milliseconds(50))
            }

            await #expect(throws: DatabaseError.self) {
                try await runner.run(.timeout, period: period) { _ throws(DatabaseError) -> RetentionResult in
                    throw DatabaseError.statementFailed(sqlState: "XX000", message: "failed on purpose")
                }
            }
            let retried = try await runner.run(.timeout, period: period) { _ throws(DatabaseError) in RetentionResult(receipts: 2, complaints: 0) }
            guard case .ran = retried else { Issue.record("expected a run after the failure, got \(retried)"); return }
            let runs = try await database.query("SELECT finished_at IS NOT NULL AS finished, error IS NOT NULL AS failed FROM job_runs ORDER BY id")
            #expect(runs.rows == [["f", "t"], ["t", "f"]])
            let locks = try await database.query("""
                SELECT count(*) AS n FROM pg_locks
                 WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """)
            #expect(locks.value("n") == "0", "every path releases the lock")
        }
    }
}
