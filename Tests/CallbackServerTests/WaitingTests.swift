import CallbackCore
import Foundation
import Testing
import TestSupport

@Suite("Waiting receipts through the gateway")
struct WaitingTests {

    @Test("a receipt before its notification: waiting, then applied by the retrier once it is sending")
    func notificationAppearsLater() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = UUID()
            let (status, answer) = try await harness.test { client in try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0")) }
            #expect(status == .ok)
            #expect(answer == Answer(result: "success", outcome: "waiting"))
            try await database.insertNotification(id: id, status: .sending)
            try await database.makeWaitingReceiptsDue()
            let retried = try await harness.retrier.drainDue()
            #expect(retried.map(\.result.outcome) == [.applied])
            #expect(try await database.notification(id)?.status == .delivered)
            #expect(try await database.notification(id)?.updatedBy == "callback:firetext")
        }
    }

    @Test("an SES receipt waits for its reference, then applies")
    func sesByReferenceLater() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let (_, answer) = try await harness.test { client in try await client.ses(Bodies.ses("Bounce", messageID: "late-ref", bounceType: "Transient")) }
            #expect(answer?.outcome == "waiting")
            let id = try await database.insertNotification(status: .sending, type: "email", reference: "late-ref")
            try await database.makeWaitingReceiptsDue()
            #expect(try await harness.retrier.drainDue().map(\.result.outcome) == [.applied])
            #expect(try await database.notification(id)?.status == .temporaryFailure)
            #expect(try await database.receiptOutcomes(id) == ["applied"])
        }
    }

    @Test("a receipt for a created notification waits until it is sending")
    func createdWaits() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .created)
            let (_, answer) = try await harness.test { client in try await client.mmg(Bodies.mmg(cid: id.uuidString, status: "3")) }
            #expect(answer?.outcome == "waiting")
            try await database.makeWaitingReceiptsDue()
            #expect(try await harness.retrier.drainDue().map(\.result.outcome) == [.waiting])
            #expect(try await database.notification(id)?.status == .created)
            try await database.query("UPDATE notifications SET status = 'sending' WHERE id = $1::uuid", [id.uuidString])
            try await database.makeWaitingReceiptsDue()
            #expect(try await harness.retrier.drainDue().map(\.result.outcome) == [.applied])
            #expect(try await database.notification(id)?.status == .delivered)
        }
    }

    @Test("a live receipt does not overtake an earlier one still waiting for the same notification")
    func arrivalOrderKept() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .created)
            let first = try await harness.test { client in try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "2")).1 }
            #expect(first?.outcome == "waiting")
            try await database.query("UPDATE notifications SET status = 'sending' WHERE id = $1::uuid", [id.uuidString])
            let second = try await harness.test { client in try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "1")).1 }
            #expect(second?.outcome == "waiting", "the 1 waits behind the 2 it follows")
            #expect(try await database.notification(id)?.status == .sending)

            try await database.makeWaitingReceiptsDue()
            var outcomes: [ReceiptOutcome] = []
            for _ in 0..<3 where outcomes.count < 2 {
                outcomes += try await harness.retrier.drainDue().map(\.result.outcome).filter { $0 != .waiting }
            }
            #expect(outcomes == [.applied, .applied])
            #expect(try await database.history(id).map(\.status) == ["created", "pending", "temporary-failure"])
        }
    }

    @Test("a receipt whose notification never appears becomes orphaned, and is logged")
    func orphaned() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = UUID()
            _ = try await harness.test { client in try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0")) }
            try await database.query("UPDATE callback_receipts SET received_at = now() - interval '30 minutes 1 second', next_attempt_at = now()")
            #expect(try await harness.retrier.drainDue().map(\.result.outcome) == [.orphaned])
            #expect(try await database.receiptOutcomes(id) == ["orphaned"])
            #expect(harness.logs.all.contains { $0.level == .warning && $0.message.contains("orphaned") })
        }
    }
}
