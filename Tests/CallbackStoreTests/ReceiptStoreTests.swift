import CallbackCore
import CallbackStore
import Foundation
import Testing
import TestSupport

@Suite("Receipt store")
struct ReceiptStoreTests {
    @Test("the same receipt posted twice is stored once and applied once")
    func identicalResend() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending)
            let receipt = ReceiptFactory.incoming(for: .id(id), rawStatus: "2", target: .pending, body: "status=2&reference=\(id)")
            let first = try await database.store.record(receipt)
            let second = try await database.store.record(receipt)
            #expect(first.outcome == .applied)
            #expect(second.outcome == .duplicate)
            #expect(second.isResend)
            #expect(try await database.count("callback_receipts") == 1)
            #expect(try await database.history(id).map(\.version) == [1, 2])
        }
    }

    @Test("identical resends racing each other are stored once")
    func identicalResendsRacing() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending)
            let receipt = ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered, body: "status=0&reference=\(id)")
            let outcomes = try await withThrowingTaskGroup(of: ReceiptOutcome.self) { group in
                for _ in 0..<10 { group.addTask { try await database.store.record(receipt).outcome } }
                return try await group.reduce(into: [ReceiptOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .applied }.count == 1)
            #expect(try await database.count("callback_receipts") == 1)
            #expect(try await database.history(id).count == 2)
        }
    }

    @Test("a one-time token: the same body again is a duplicate; another body with it is refused and stored nowhere, however many race")
    func oneTimeTokens() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending)
            func receipt(_ event: String, _ target: MappingTarget, token: String) -> IncomingReceipt {
                var receipt = ReceiptFactory.incoming(.mailgun, for: .id(id), rawStatus: event, target: target,
                                                      body: #"{"signature":{"token":"\#(token)"},"event-data":{"event":"\#(event)"}}"#)
                receipt.oneTimeToken = token
                return receipt
            }
            let first = try await database.store.record(receipt("delivered", .delivered, token: "t1"))
            #expect(first.outcome == .applied && !first.replayed)
            // The provider retrying a request whose answer it did not get.
            let resend = try await database.store.record(receipt("delivered", .delivered, token: "t1"))
            #expect(resend.outcome == .duplicate && !resend.replayed)
            // The token with another event: someone replaying a captured signature.
            let replay = try await database.store.record(receipt("failed", .permanentFailure, token: "t1"))
            #expect(replay.replayed)
            #expect(try await database.count("callback_receipts") == 1)
            #expect(try await database.notification(id)?.status == .delivered)

            let racing = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<10 {
                    group.addTask { try await database.store.record(receipt("opened-\(index)", .ignore, token: "t2")).replayed }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(racing.filter { !$0 }.count == 1, "one body takes the token, the others are refused: \(racing)")
            #expect(try await database.count("callback_receipts") == 2)
        }
    }

    @Test("fifty different receipts at once: the notification changes exactly once, history has no gaps")
    func fiftyConcurrentReceipts() async throws {
        try await TestDatabase.with(poolSize: 8) { database in
            let id = try await database.insertNotification(status: .sending)
            let targets: [MappingTarget] = [.delivered, .permanentFailure, .temporaryFailure, .failure, .technicalFailure]
            let results = try await withThrowingTaskGroup(of: RecordedReceipt.self) { group in
                for index in 0..<50 {
                    let receipt = ReceiptFactory.incoming(for: .id(id), rawStatus: "r\(index)", target: targets[index % targets.count])
                    group.addTask { try await database.store.record(receipt) }
                }
                return try await group.reduce(into: [RecordedReceipt]()) { $0.append($1) }
            }
            let applied = results.filter { $0.outcome == .applied }
            #expect(applied.count == 1)
            #expect(results.filter { $0.outcome == .duplicate }.count == 49)
            let history = try await database.history(id)
            #expect(history.map(\.version) == Array(1...history.count))
            #expect(history.count == 2)
            #expect(try await database.notification(id)?.status == applied.first?.statusWritten)
            #expect(try await database.count("callback_receipts") == 50)
        }
    }

    @Test("pending then pending again: one history row for the change")
    func pendingTwice() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending)
            let first = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "2", target: .pending))
            let second = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "2", target: .pending))
            #expect(first.outcome == .applied)
            #expect(second.outcome == .duplicate)
            #expect(try await database.history(id).map(\.status) == ["sending", "pending"])
        }
    }

    @Test("a complaint is recorded and the status stays")
    func complaint() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .delivered, type: "email", reference: "ses-message-1")
            let complaint = ComplaintDetails(feedbackID: "feedback-1", complaintType: "abuse", complainedAt: Date(timeIntervalSince1970: 1_700_000_000))
            let recorded = try await database.store.record(ReceiptFactory.incoming(
                .ses, for: .reference("ses-message-1"), rawStatus: "Complaint", target: .complaint, complaint: complaint))
            #expect(recorded.outcome == .complaint)
            #expect(recorded.notificationID == id)
            #expect(try await database.notification(id)?.status == .delivered)
            let row = try await database.query("SELECT notification_id, feedback_id, complaint_type, extract(epoch FROM complained_at)::bigint AS at FROM complaints")
            #expect(row.value("notification_id") == id.uuidString.lowercased())
            #expect(row.value("feedback_id") == "feedback-1")
            #expect(row.value("complaint_type") == "abuse")
            #expect(row.value("at") == "1700000000")
        }
    }

    @Test("an SES receipt finds its notification by reference")
    func byReference() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending, type: "email", reference: "0100018c-ses-id")
            let recorded = try await database.store.record(ReceiptFactory.incoming(.ses, for: .reference("0100018c-ses-id"), rawStatus: "Delivery", target: .delivered))
            #expect(recorded.outcome == .applied)
            #expect(recorded.notificationID == id)
            #expect(try await database.notification(id)?.status == .delivered)
            #expect(try await database.notification(id)?.updatedBy == "callback:ses")
        }
    }

    @Test("an unmapped status leaves the notification alone and is stored as unmapped")
    func unmapped() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending)
            let recorded = try await database.store.record(ReceiptFactory.incoming(.mmg, for: .id(id), rawStatus: "99", target: nil))
            #expect(recorded.outcome == .unmapped)
            #expect(try await database.notification(id) == TestDatabase.NotificationRow(status: .sending, version: 1, updatedBy: nil, sentBy: nil, hasUpdatedAt: false))
            #expect(try await database.receiptOutcomes(id) == ["unmapped"])
        }
    }
}
