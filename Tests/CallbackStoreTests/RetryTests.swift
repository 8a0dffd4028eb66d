import CallbackCore
import CallbackStore
import Foundation
import Testing
import TestSupport

@Suite("Waiting receipts")
struct RetryTests {
    /// Interprets stored receipts the way the factory built them: the body carries the status to apply.
    static let interpret: @Sendable (StoredReceipt) -> MappedReceipt? = { stored in
        let fields = Dictionary(stored.rawBody.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }, uniquingKeysWith: { first, _ in first })
        guard let reference = fields["reference"].flatMap(UUID.init(uuidString:)), let target = fields["target"] else { return nil }
        let receipt = ProviderReceipt(provider: .firetext, lookup: .id(reference), rawStatus: fields["status"] ?? "")
        return MappedReceipt(receipt: receipt, mapping: MappingResult(target: MappingTarget(rawValue: target)))
    }

    /// A trigger that refuses to update these notifications, as a broken row or a constraint would.
    static func refuseUpdates(of ids: [UUID], in database: TestDatabase) async throws {
        try await database.query("""
            CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'refused for the test'; END $$
            """)
        let listed = ids.map { "'\($0.uuidString.lowercased())'::uuid" }.joined(separator: ", ")
        try await database.query("""
            CREATE TRIGGER refuse BEFORE UPDATE ON notifications FOR EACH ROW
            WHEN (OLD.id IN (\(listed))) EXECUTE FUNCTION refuse_update()
            """)
    }

    static func receipt(_ id: UUID, _ target: MappingTarget, status: String = "0") -> IncomingReceipt {
        ReceiptFactory.incoming(for: .id(id), rawStatus: status, target: target,
                                body: "status=\(status)&target=\(target.rawValue)&reference=\(id)&n=\(UUID())")
    }


    @Test("a receipt before its notification waits, then applies once the notification is sending")
    func appliesOnceSending() async throws {
        try await TestDatabase.with { database in
            let id = UUID()
            let first = try await database.store.record(Self.receipt(id, .delivered))
            #expect(first.outcome == .waiting)
            // Both times come from the statement's own transaction: the first retry is exactly one second later.
            let due = try await database.query("SELECT extract(epoch FROM next_attempt_at - received_at) AS delay FROM callback_receipts")
            #expect(due.value("delay").flatMap { Double($0) } == 1)

            // Not due yet (pushed further off, so a slow machine cannot make it due meanwhile): nothing is taken.
            try await database.query("UPDATE callback_receipts SET next_attempt_at = now() + interval '1 hour'")
            #expect(try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: Self.interpret).isEmpty)

            try await database.insertNotification(id: id, status: .sending)
            try await database.makeWaitingReceiptsDue()
            let retried = try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: Self.interpret)
            #expect(retried.map(\.result.outcome) == [.applied])
            #expect(try await database.notification(id)?.status == .delivered)
            #expect(try await database.receiptOutcomes(id) == ["applied"])
            let row = try await database.query("SELECT attempts, next_attempt_at IS NULL AS done, history_version FROM callback_receipts")
            #expect(row.value("attempts") == "2")
            #expect(row.value("done") == "t")
            #expect(row.value("history_version") == "2")
        }
    }

    @Test("a complaint before its notification waits, then is stored once the notification is sending")
    func complaintAppliesOnRetry() async throws {
        try await TestDatabase.with { database in
            let id = UUID()
            let details = ComplaintDetails(feedbackID: "feedback-retry", complaintType: "abuse", complainedAt: Date(timeIntervalSince1970: 1_700_000_000))
            let body = "status=Complaint&target=complaint&reference=\(id)"
            let first = try await database.store.record(ReceiptFactory.incoming(
                for: .id(id), rawStatus: "Complaint", target: .complaint, body: body, complaint: details))
            #expect(first.outcome == .waiting)
            #expect(try await database.count("complaints") == 0)

            try await database.insertNotification(id: id, status: .sending)
            try await database.makeWaitingReceiptsDue()
            let interpret: @Sendable (StoredReceipt) -> MappedReceipt? = { _ in
                let receipt = ProviderReceipt(provider: .firetext, lookup: .id(id), rawStatus: "Complaint", complaint: details)
                return MappedReceipt(receipt: receipt, mapping: MappingResult(target: .complaint))
            }
            let retried = try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: interpret)
            #expect(retried.map(\.result.outcome) == [.complaint])
            let row = try await database.query("SELECT notification_id, feedback_id, complaint_type FROM complaints")
            #expect(row.value("notification_id") == id.uuidString.lowercased())
            #expect(row.value("feedback_id") == "feedback-retry")
            #expect(row.value("complaint_type") == "abuse")
            #expect(try await database.notification(id)?.status == .sending)
        }
    }

    @Test("a receipt for a created notification waits until it is sending")
    func createdWaits() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .created)
            #expect(try await database.store.record(Self.receipt(id, .delivered)).outcome == .waiting)
            try await database.makeWaitingReceiptsDue()
            let stillWaiting = try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: Self.interpret)
            #expect(stillWaiting.map(\.result.outcome) == [.waiting])
            #expect(try await database.notification(id)?.status == .created)
            // Both times come from the retry's own transaction, so the back-off reads exactly.
            let backoff = try await database.query("SELECT attempts, extract(epoch FROM next_attempt_at - updated_at) AS wait FROM callback_receipts")
            #expect(backoff.value("attempts") == "2")
            #expect(backoff.value("wait").flatMap { Double($0) } == 2)

            try await database.query("UPDATE notifications SET status = 'sending' WHERE id = $1::uuid", [id.uuidString])
            try await database.makeWaitingReceiptsDue()
            let applied = try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: Self.interpret)
            #expect(applied.map(\.result.outcome) == [.applied])
            #expect(try await database.notification(id)?.status == .delivered)
        }
    }

    @Test("a receipt whose notification never appears is orphaned after the retry period")
    func orphaned() async throws {
        try await TestDatabase.with { database in
            let id = UUID()
            _ = try await database.store.record(Self.receipt(id, .delivered))
            try await database.query("UPDATE callback_receipts SET received_at = now() - interval '31 minutes', next_attempt_at = now() - interval '1 second'")
            let retried = try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: Self.interpret)
            #expect(retried.map(\.result.outcome) == [.orphaned])
            let row = try await database.query("SELECT outcome, next_attempt_at IS NULL AS done FROM callback_receipts")
            #expect(row.value("outcome") == "orphaned")
            #expect(row.value("done") == "t")
            // Orphaned receipts are not taken again.
            #expect(try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: Self.interpret).isEmpty)
        }
    }

    @Test("two waiting receipts for one notification apply in arrival order")
    func arrivalOrder() async throws {
        try await TestDatabase.with { database in
            let id = UUID()
            _ = try await database.store.record(Self.receipt(id, .pending, status: "2"))
            _ = try await database.store.record(Self.receipt(id, .failure, status: "1"))
            try await database.insertNotification(id: id, status: .sending)
            // The later receipt is due first: order of arrival must still win.
            try await database.query("UPDATE callback_receipts SET next_attempt_at = now() - interval '1 hour' - id * interval '1 second'")
            let retried = try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: Self.interpret)
            #expect(retried.map(\.result.outcome) == [.applied, .applied])
            #expect(try await database.notification(id)?.status == .temporaryFailure)
        }
    }

    @Test("a receipt whose statement fails is postponed; the rest of its batch is applied")
    func failureInTheMiddleOfABatch() async throws {
        try await TestDatabase.with { database in
            let ids = [UUID(), UUID(), UUID()]
            for id in ids { _ = try await database.store.record(Self.receipt(id, .delivered)) }
            for id in ids { try await database.insertNotification(id: id, status: .sending) }
            try await Self.refuseUpdates(of: [ids[1]], in: database)
            try await database.makeWaitingReceiptsDue()
            let retried = try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: Self.interpret)
            #expect(retried.map(\.result.outcome) == [.applied, .waiting, .applied])
            #expect(retried[1].failure != nil)
            #expect(try await database.notification(ids[0])?.status == .delivered)
            #expect(try await database.notification(ids[1])?.status == .sending)
            #expect(try await database.notification(ids[2])?.status == .delivered)
            let postponed = try await database.query(
                "SELECT outcome, attempts, next_attempt_at > now() AS later FROM callback_receipts WHERE notification_id = $1::uuid",
                [ids[1].uuidString])
            #expect(postponed.value("outcome") == "waiting")
            #expect(postponed.value("attempts") == "2")
            #expect(postponed.value("later") == "t")
        }
    }

    @Test("two receipts of one batch fail: each is postponed, and the others are applied exactly once")
    func twoFailuresInOneBatch() async throws {
        try await TestDatabase.with { database in
            let ids = [UUID(), UUID(), UUID(), UUID()]
            for id in ids { _ = try await database.store.record(Self.receipt(id, .delivered)) }
            for id in ids { try await database.insertNotification(id: id, status: .sending) }
            try await Self.refuseUpdates(of: [ids[1], ids[3]], in: database)
            try await database.makeWaitingReceiptsDue()
            let historyBefore = try await database.count("notification_history")
            let retried = try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: Self.interpret)
            #expect(retried.map(\.result.outcome) == [.applied, .waiting, .applied, .waiting])
            #expect(retried.map { $0.failure != nil } == [false, true, false, true])
            // The first receipt ran in each round that a later failure rolled back: it must be written once.
            #expect(try await database.count("notification_history") == historyBefore + 2)
            #expect(try await database.notification(ids[0])?.status == .delivered)
            #expect(try await database.notification(ids[2])?.status == .delivered)
            let attempts = try await database.query(
                "SELECT string_agg(attempts::text, ',' ORDER BY attempts) AS a FROM callback_receipts WHERE outcome = 'waiting'")
            #expect(attempts.value("a") == "2,2")
        }
    }

    @Test("a receipt whose notification another transaction holds locked is postponed after a short wait; the rest apply")
    func lockedNotificationPostponed() async throws {
        try await TestDatabase.with { database in
            let ids = [UUID(), UUID(), UUID()]
            for id in ids { _ = try await database.store.record(Self.receipt(id, .delivered)) }
            for id in ids { try await database.insertNotification(id: id, status: .sending) }
            try await database.makeWaitingReceiptsDue()
            let lock = try await RowLock.take([ids[1]], in: database)
            let retried = try await database.store.retryWaiting(limit: 10, schedule: .standard, interpret: Self.interpret)
            try await lock.release()
            #expect(retried.map(\.result.outcome) == [.applied, .waiting, .applied])
            // Without the bound the statement would have waited for the statement timeout (SQLSTATE 57014) instead.
            guard case .statementFailed(let sqlState, _) = retried[1].failure else {
                Issue.record("the locked receipt was postponed for \(retried[1].failure.map(String.init(describing:)) ?? "no failure")")
                return
            }
            #expect(sqlState == "55P03", "lock_not_available")
            #expect(try await database.notification(ids[0])?.status == .delivered)
            #expect(try await database.notification(ids[1])?.status == .sending)
            #expect(try await database.notification(ids[2])?.status == .delivered)
        }
    }

    @Test("retriers on several replicas take each due receipt once")
    func replicasShareTheWork() async throws {
        try await TestDatabase.with(poolSize: 6) { database in
            var ids: [UUID] = []
            for _ in 0..<60 {
                let id = UUID()
                ids.append(id)
                _ = try await database.store.record(Self.receipt(id, .delivered))
            }
            for id in ids { try await database.insertNotification(id: id, status: .sending) }
            try await database.makeWaitingReceiptsDue()
            let stores = (0..<3).map { _ in PostgresReceiptStore(workers: database.workers) }
            let taken = try await withThrowingTaskGroup(of: [RetriedReceipt].self) { group in
                for store in stores {
                    group.addTask {
                        var all: [RetriedReceipt] = []
                        while true {
                            let batch = try await store.retryWaiting(limit: 7, schedule: .standard, interpret: Self.interpret)
                            if batch.isEmpty { return all }
                            all += batch
                        }
                    }
                }
                return try await group.reduce(into: [RetriedReceipt]()) { $0 += $1 }
            }
            #expect(taken.count == 60)
            #expect(Set(taken.map(\.stored.id)).count == 60)
            #expect(taken.allSatisfy { $0.result.outcome == .applied })
            let history = try await database.query("SELECT count(*) AS n FROM notification_history WHERE version = 2")
            #expect(history.value("n") == "60")
        }
    }
}
