import CallbackCore
import Foundation
import Synchronization
import Testing
import TestSupport

@testable import CallbackStore

/// Receipts that arrive while every connection is busy are stored together: one pipeline, one transaction.
///
/// Each test holds the only connection of a one-connection pool, sends its receipts, waits until all of them are
/// waiting for that connection, and lets it go, so the receipts form exactly one batch.
@Suite("Receipts stored in batches")
struct BatchingTests {
    @Test("mixed outcomes in one batch: applied, duplicate, waiting, unmapped, in arrival order per notification; one transaction")
    func mixedOutcomes() async throws {
        try await TestDatabase.with { database in
            let delivered = try await database.insertNotification(status: .sending)
            let ordered = try await database.insertNotification(status: .sending)
            let reversed = try await database.insertNotification(status: .sending)
            let final = try await database.insertNotification(status: .delivered)
            let unknown = UUID()
            let first = ReceiptFactory.incoming(for: .id(delivered), rawStatus: "0", target: .delivered, body: "status=0&reference=\(delivered)")
            let receipts = [
                first,
                first,
                ReceiptFactory.incoming(for: .id(ordered), rawStatus: "2", target: .pending),
                ReceiptFactory.incoming(for: .id(ordered), rawStatus: "1", target: .failure),
                ReceiptFactory.incoming(for: .id(reversed), rawStatus: "1", target: .failure),
                ReceiptFactory.incoming(for: .id(reversed), rawStatus: "2", target: .pending),
                ReceiptFactory.incoming(for: .id(final), rawStatus: "1", target: .failure),
                ReceiptFactory.incoming(for: .id(unknown), rawStatus: "0", target: .delivered),
                ReceiptFactory.incoming(for: .id(delivered), rawStatus: "9", target: nil),
            ]
            let batch = try await OneBatch.record(receipts, database: database)
            #expect(batch.sizes == [receipts.count])
            let outcomes = try batch.results.map { try $0.get().outcome }
            #expect(outcomes == [.applied, .duplicate, .applied, .applied, .applied, .duplicate, .duplicate, .waiting, .unmapped])
            #expect(try batch.results[1].get().isResend)
            #expect(try batch.results[3].get().statusWritten == .temporaryFailure, "2 then 1: the failure came while pending")
            #expect(try batch.results[4].get().statusWritten == .permanentFailure, "1 then 2: the failure came while sending")
            #expect(try await database.notification(ordered)?.status == .temporaryFailure)
            #expect(try await database.notification(reversed)?.status == .permanentFailure)
            #expect(try await database.history(ordered).map(\.version) == [1, 2, 3])
            #expect(try await database.count("callback_receipts") == receipts.count - 1)
            let transactions = try await database.query("SELECT count(DISTINCT xmin::text) AS n FROM callback_receipts")
            #expect(transactions.value("n") == "1", "every receipt of the batch was committed by one transaction")
        }
    }

    @Test("a receipt set aside while the gateway stops taking database work is still stored, after the rest of its batch")
    func setAsideWhileShuttingDown() async throws {
        try await TestDatabase.with { database in
            let ids = try await (0..<3).asyncMap { _ in try await database.insertNotification(status: .sending) }
            let locked = ids[1]
            let lock = try await RowLock.take([locked], in: database)
            let receipts = ids.map { ReceiptFactory.incoming(for: .id($0), rawStatus: "0", target: .delivered) }
            let batch = try await OneBatch.record(receipts, database: database) { workers in
                // The batch waits for the lock (for at most BatchLockWait): stop the workers taking new work now, so
                // that the queue refuses the job the locked receipt would be set aside into.
                let deadline = ContinuousClock.now + OneBatch.patience
                while try await lock.blockedCount(in: database) < 1 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(2))
                }
                workers.shutdown()
                var committed = 0
                var blocked = 0
                while (committed < 2 || blocked < 1) && ContinuousClock.now < deadline {
                    committed = try await database.count("callback_receipts")
                    blocked = try await lock.blockedCount(in: database)
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(committed == 2 && blocked == 1, "the rest committed and the locked receipt waits on its own")
                try await lock.release()
            }
            #expect(try batch.results.map { try $0.get().outcome } == [.applied, .applied, .applied])
            for id in ids { #expect(try await database.notification(id)?.status == .delivered) }
        }
    }

    @Test("receipts stored together follow the rules exactly as TransitionRules states them, by id and by reference",
          arguments: MappingTarget.allCases.map { $0 } + [nil])
    func ruleMatrixTogether(target: MappingTarget?) async throws {
        try await TestDatabase.with { database in
            let currents = NotificationStatus.allCases.map { $0 } + [nil]
            var cases: [(id: UUID, current: NotificationStatus?, provider: Provider, receipt: IncomingReceipt)] = []
            for current in currents {
                let id = UUID()
                let reference = "ref-\(id)"
                if let current { try await database.insertNotification(id: id, status: current) }
                let byReference = UUID()
                if let current { try await database.insertNotification(id: byReference, status: current, type: "email", reference: reference) }
                let complaint = target == .complaint ? ComplaintDetails(feedbackID: "feedback-\(byReference)", complaintType: "abuse", complainedAt: Date()) : nil
                cases.append((id, current, .firetext, ReceiptFactory.incoming(for: .id(id), rawStatus: "x", target: target)))
                cases.append((byReference, current, .ses, ReceiptFactory.incoming(.ses, for: .reference(reference), rawStatus: "x", target: target, complaint: complaint)))
            }
            let batch = try await OneBatch.record(cases.map(\.receipt), database: database)
            #expect(batch.sizes == [cases.count])
            for (item, result) in zip(cases, batch.results) {
                let recorded = try result.get()
                let decision = TransitionRules.decide(target: target, current: item.current)
                let label = "\(item.provider) target \(target?.rawValue ?? "unmapped") from \(item.current?.rawValue ?? "no notification")"
                #expect(recorded.outcome == decision.outcome, "\(label)")
                #expect(recorded.statusWritten == decision.statusWritten, "\(label)")
                #expect(recorded.receiptID != nil, "\(label)")
                guard let current = item.current else {
                    #expect(recorded.notificationID == (item.provider == .firetext ? item.id : nil), "\(label)")
                    continue
                }
                #expect(recorded.notificationID == item.id, "\(label)")
                let row = try #require(try await database.notification(item.id))
                let history = try await database.history(item.id)
                if let written = decision.statusWritten {
                    #expect(row.status == written && row.version == 2, "\(label)")
                    #expect(row.updatedBy == item.provider.actor && row.sentBy == item.provider.rawValue, "\(label)")
                    #expect(history.map(\.version) == [1, 2] && history.last?.status == written.rawValue, "\(label)")
                    #expect(recorded.historyVersion == 2, "\(label)")
                } else {
                    #expect(row.status == current && row.version == 1 && history.count == 1, "\(label)")
                }
            }
            // As one by one: a complaint row for each receipt mapped to a complaint about a notification past `created`.
            let complaints = cases.count { target == .complaint && $0.current != nil && $0.current != .created }
            #expect(try await database.count("complaints") == complaints)
            #expect(try await database.count("callback_receipts") == cases.count)
        }
    }

    @Test("a statement that fails in the middle of a batch fails only its own receipt; the rest commit")
    func failingStatement() async throws {
        try await TestDatabase.with { database in
            try await database.onReceiptInsert("refuse_exploding_receipts", rawStatus: "explode", run: "RAISE EXCEPTION 'refused by the test trigger'")
            let ids = try await (0..<5).asyncMap { _ in try await database.insertNotification(status: .sending) }
            let receipts = ids.enumerated().map { index, id in
                ReceiptFactory.incoming(for: .id(id), rawStatus: index == 2 ? "explode" : "0", target: .delivered)
            }
            let batch = try await OneBatch.record(receipts, database: database)
            #expect(batch.sizes == [5])
            for (index, result) in batch.results.enumerated() {
                switch (index, result) {
                case (2, .failure(.statementFailed(_, let message))): #expect(message.contains("refused by the test trigger"))
                case (2, _): Issue.record("the exploding receipt was answered \(result)")
                case (_, .success(let recorded)): #expect(recorded.outcome == .applied)
                case (_, .failure(let error)): Issue.record("receipt \(index) failed with its neighbour: \(error)")
                }
            }
            for (index, id) in ids.enumerated() {
                #expect(try await database.notification(id)?.status == (index == 2 ? .sending : .delivered))
                #expect(try await database.history(id).count == (index == 2 ? 1 : 2))
            }
            #expect(try await database.count("callback_receipts") == 4)
        }
    }

    @Test("a receipt whose notification another transaction holds locked waits on its own; the rest of its batch commits")
    func lockedNotificationSetAside() async throws {
        try await TestDatabase.with { database in
            // Sorted as the batch sorts them, so that receipts run both before and after the locked notification's.
            let ids = try await (0..<5).asyncMap { _ in try await database.insertNotification(status: .sending) }
                .sorted { $0.uuidString.lowercased() < $1.uuidString.lowercased() }
            let locked = ids[2]
            let others = ids.filter { $0 != locked }
            let lock = try await RowLock.take([locked], in: database)
            let receipts = [
                ReceiptFactory.incoming(for: .id(locked), rawStatus: "2", target: .pending),
            ] + others.map { ReceiptFactory.incoming(for: .id($0), rawStatus: "0", target: .delivered) } + [
                ReceiptFactory.incoming(for: .id(locked), rawStatus: "0", target: .delivered),
            ]
            let batch = try await OneBatch.record(receipts, database: database) { _ in
                // Well inside the batch's statement timeout, which is all the lock wait would be bounded by otherwise.
                let deadline = ContinuousClock.now + OneBatch.patience
                var committed = 0
                var blocked = 0
                while (committed < others.count || blocked < 1) && ContinuousClock.now < deadline {
                    committed = try await database.count("callback_receipts")
                    blocked = try await lock.blockedCount(in: database)
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(committed == others.count, "the other receipts committed while the lock was held")
                #expect(blocked == 1, "the locked notification's receipt waits for the lock on its own")
                for id in others { #expect(try await database.notification(id)?.status == .delivered) }
                #expect(try await database.notification(locked)?.status == .sending)
                try await lock.release()
            }
            #expect(batch.sizes == [receipts.count])
            #expect(try batch.results.map { try $0.get().outcome } == Array(repeating: .applied, count: receipts.count))
            #expect(try await database.history(locked).map(\.status) == ["sending", "pending", "delivered"], "in arrival order")
            let transactions = try await database.query("SELECT count(DISTINCT xmin::text) AS n FROM callback_receipts")
            #expect(transactions.value("n") == "3", "the batch without the locked receipts, then each of those alone")
        }
    }

    @Test("the database going away mid-batch: every requester gets unavailable, nothing is half-written")
    func connectionLostMidBatch() async throws {
        try await TestDatabase.with { database in
            try await database.onReceiptInsert("slow_receipts", rawStatus: "slow", run: "PERFORM pg_sleep(30)")
            let ids = try await (0..<6).asyncMap { _ in try await database.insertNotification(status: .sending) }
            let receipts = ids.enumerated().map { index, id in
                ReceiptFactory.incoming(for: .id(id), rawStatus: index == 3 ? "slow" : "0", target: .delivered)
            }
            let batch = try await OneBatch.record(receipts, database: database) { _ in
                // Once the batch sleeps inside the slow receipt's insert, end its session, as a server crash would.
                for _ in 0..<500 {
                    let ended = try await database.query("""
                        SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
                         WHERE datname = current_database() AND wait_event = 'PgSleep'
                        """)
                    if ended.value("n") == "1" { return }
                    try await Task.sleep(for: .milliseconds(10))
                }
                Issue.record("the batch never reached the slow receipt")
            }
            #expect(batch.sizes == [6])
            for result in batch.results {
                guard case .failure(.unavailable) = result else {
                    Issue.record("expected unavailable (503), got \(result)")
                    continue
                }
            }
            #expect(try await database.count("callback_receipts") == 0)
            #expect(try await database.count("notification_history") == ids.count, "only the seeded first versions")
            for id in ids { #expect(try await database.notification(id)?.status == .sending) }
        }
    }

    @Test("at most half the pool stores incoming receipts at once; the other half stays free for other work")
    func halfThePoolForBatches() async throws {
        try await TestDatabase.with(poolSize: 4) { database in
            let locked = try await (0..<2).asyncMap { _ in try await database.insertNotification(status: .sending) }
            let free = try await database.insertNotification(status: .sending)
            let lock = try await RowLock.take(locked, in: database)
            let sizes = Mutex<[Int]>([])
            let store = PostgresReceiptStore(workers: database.workers, batchObserver: { size in sizes.withLock { $0.append(size) } })
            let deadline = ContinuousClock.now + OneBatch.patience
            // One receipt for each locked notification, each in a batch of its own that waits for the lock.
            var blockedReceipts: [Task<RecordedReceipt, any Error>] = []
            for id in locked {
                blockedReceipts.append(Task { try await store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered)) })
                while try await lock.blockedCount(in: database) < blockedReceipts.count && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            #expect(try await lock.blockedCount(in: database) == 2, "two batches wait for the lock")
            // Two connections are still free, but both batch slots are taken: this receipt waits for one.
            let waiting = Task { try await store.record(ReceiptFactory.incoming(for: .id(free), rawStatus: "0", target: .delivered)) }
            try await Task.sleep(for: .milliseconds(500))
            #expect(sizes.withLock { $0 } == [1, 1], "no third batch ran")
            #expect(try await database.notification(free)?.status == .sending)
            let other = try await database.workers.run { connection throws(DatabaseError) in try connection.execute("SELECT 1 AS one").value("one") }
            #expect(other == "1", "other work still gets a connection at once")
            try await lock.release()
            #expect(try await waiting.value.outcome == .applied)
            for receipt in blockedReceipts { #expect(try await receipt.value.outcome == .applied) }
            #expect(try await database.notification(free)?.status == .delivered)
            #expect(sizes.withLock { $0 } == [1, 1, 1])
        }
    }

    @Test("hundreds of receipts at once for the same and different notifications: batches form, the rules hold")
    func concurrentBurst() async throws {
        try await TestDatabase.with(poolSize: 4) { database in
            let ids = try await (0..<40).asyncMap { _ in try await database.insertNotification(status: .sending) }
            let sizes = Mutex<[Int]>([])
            let store = PostgresReceiptStore(workers: database.workers, batchObserver: { size in sizes.withLock { $0.append(size) } })
            let targets: [MappingTarget] = [.pending, .delivered, .failure, .temporaryFailure, .permanentFailure]
            let outcomes = try await withThrowingTaskGroup(of: ReceiptOutcome.self) { group in
                for index in 0..<400 {
                    let receipt = ReceiptFactory.incoming(for: .id(ids[index % ids.count]), rawStatus: "r\(index)", target: targets[index % targets.count])
                    group.addTask { try await store.record(receipt).outcome }
                }
                return try await group.reduce(into: [ReceiptOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.count == 400)
            #expect(sizes.withLock { $0.reduce(0, +) } == 400)
            #expect(sizes.withLock { $0.max() ?? 0 } > 1, "some receipts were stored together")
            #expect(try await database.count("callback_receipts") == 400)
            let gaps = try await database.query("""
                SELECT count(*) AS n FROM notifications n
                 WHERE n.version <> (SELECT count(*) FROM notification_history h WHERE h.id = n.id)
                    OR n.version <> (SELECT max(version) FROM notification_history h WHERE h.id = n.id)
                """)
            #expect(gaps.value("n") == "0", "every change has exactly one history row")
            let applied = try await database.query("SELECT count(*) AS n FROM callback_receipts WHERE outcome = 'applied'")
            let changes = try await database.query("SELECT count(*) - \(ids.count) AS n FROM notification_history")
            #expect(applied.value("n") == changes.value("n"), "one applied receipt per change")
            let twiceFinal = try await database.query("""
                SELECT count(*) AS n FROM (
                    SELECT id FROM notification_history
                     WHERE status IN ('delivered', 'temporary-failure', 'permanent-failure', 'technical-failure')
                     GROUP BY id HAVING count(*) > 1) t
                """)
            #expect(twiceFinal.value("n") == "0", "a final status never changes")
        }
    }
}

/// Runs receipts through a store whose only connection is held until all of them wait for it.
private struct OneBatch {
    var results: [Result<RecordedReceipt, DatabaseError>]
    var sizes: [Int]

    /// The batch's statement timeout: long, so that a receipt waiting for a lock a test holds is not cancelled
    /// while the test, on a machine busy with other tests, looks at the database.
    static let statementTimeout = 60.0
    /// How long a test waits for what the batch does: well inside ``statementTimeout``, and far beyond the bounded
    /// lock wait (``BatchLockWait``) the tests tell apart from it.
    static let patience = Duration.seconds(30)

    static func record(
        _ receipts: [IncomingReceipt],
        database: TestDatabase,
        whileRunning: @Sendable (DatabaseWorkers) async throws -> Void = { _ in }
    ) async throws -> OneBatch {
        let workers = DatabaseWorkers(configuration: DatabaseConfiguration(
            connectionString: database.url, poolSize: 1, statementTimeout: statementTimeout))
        let sizes = Mutex<[Int]>([])
        let store = PostgresReceiptStore(workers: workers, batchObserver: { size in sizes.withLock { $0.append(size) } })
        let gate = DispatchSemaphore(value: 0)
        let holding = Mutex(false)
        let holder = Task { try await workers.run { _ throws(DatabaseError) in holding.withLock { $0 = true }; gate.wait() } }
        defer { gate.signal() }
        while !holding.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }

        let results = try await withThrowingTaskGroup(of: (Int, Result<RecordedReceipt, DatabaseError>).self) { group in
            for (index, receipt) in receipts.enumerated() {
                group.addTask {
                    // The answer first, then the tuple around it (see ConcurrentWork: Swift 6.3.1 and tuples across an await).
                    let result: Result<RecordedReceipt, DatabaseError>
                    do throws(DatabaseError) { result = .success(try await store.record(receipt)) } catch { result = .failure(error) }
                    return (index, result)
                }
                // One at a time, so that the batch keeps their order of arrival.
                while store.receiptsWaitingForBatch < index + 1 { try await Task.sleep(for: .milliseconds(2)) }
            }
            gate.signal()
            try await holder.value
            try await whileRunning(workers)
            var results = [Result<RecordedReceipt, DatabaseError>?](repeating: nil, count: receipts.count)
            for try await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
        await workers.shutdownAndWait()
        return OneBatch(results: results, sizes: sizes.withLock { $0 })
    }
}

extension TestDatabase {
    /// Installs a trigger that runs `action` (PL/pgSQL) before a receipt with `rawStatus` is inserted.
    func onReceiptInsert(_ name: String, rawStatus: String, run action: String) async throws {
        try await query("""
            CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.raw_status = '\(rawStatus)' THEN \(action); END IF;
                RETURN NEW;
            END $$
            """)
        try await query("CREATE TRIGGER \(name) BEFORE INSERT ON callback_receipts FOR EACH ROW EXECUTE FUNCTION \(name)()")
    }
}
