import CallbackCore
import Foundation
import Testing
import TestSupport

@Suite("Receipt sequences")
struct SequenceTests {
    @Test("Firetext 2 then 1: temporary-failure")
    func pendingThenFailure() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .sending)
            let answers = try await harness.test { client in
                [try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "2")).1,
                 try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "1")).1]
            }
            #expect(answers.map { $0?.status } == ["pending", "temporary-failure"])
            #expect(try await database.history(id).map(\.status) == ["sending", "pending", "temporary-failure"])
        }
    }

    @Test("Firetext 2 then 1 with code 101: permanent-failure")
    func pendingThenClassifiedFailure() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .sending)
            let last = try await harness.test { client in
                _ = try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "2"))
                return try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "1", code: "101")).1
            }
            #expect(last?.status == "permanent-failure")
            #expect(try await database.notification(id)?.status == .permanentFailure)
        }
    }

    @Test("Firetext 2 then 1 with unknown code 789: temporary-failure, and a warning")
    func unknownCode() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .sending)
            let last = try await harness.test { client in
                _ = try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "2"))
                return try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "1", code: "789")).1
            }
            #expect(last?.status == "temporary-failure")
            let warnings = harness.logs.all.filter { $0.level == .warning && $0.metadata["detail_code"] == "789" }
            #expect(warnings.count == 1)
            #expect(warnings.first?.metadata["provider"] == "firetext")
        }
    }

    @Test("delivered, then any receipt: unchanged, recorded as duplicate, no history row")
    func deliveredIsFinal() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .sending)
            let answers = try await harness.test { client in
                var answers: [Answer?] = []
                answers.append(try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0")).1)
                for (status, code) in [("1", nil), ("2", nil), ("1", "101"), ("0", "000")] as [(String, String?)] {
                    answers.append(try await client.firetext(Bodies.firetext(reference: id.uuidString, status: status, code: code)).1)
                }
                answers.append(try await client.mmg(Bodies.mmg(cid: id.uuidString, status: "4")).1)
                return answers
            }
            #expect(answers.map { $0?.outcome } == ["applied", "duplicate", "duplicate", "duplicate", "duplicate", "duplicate"])
            #expect(answers.dropFirst().allSatisfy { $0?.status == nil })
            #expect(try await database.notification(id)?.status == .delivered)
            #expect(try await database.history(id).count == 2)
            #expect(try await database.receiptOutcomes(id) == ["applied"] + Array(repeating: "duplicate", count: 5))
        }
    }

    @Test("SES Delivery then Bounce keeps delivered")
    func deliveryThenBounce() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .sending, type: "email", reference: "msg-1")
            let answers = try await harness.test { client in
                [try await client.ses(Bodies.ses("Delivery", messageID: "msg-1")).1,
                 try await client.ses(Bodies.ses("Bounce", messageID: "msg-1", bounceType: "Permanent")).1]
            }
            #expect(answers.map { $0?.outcome } == ["applied", "duplicate"])
            #expect(try await database.notification(id)?.status == .delivered)
        }
    }

    @Test("the same body posted twice: one receipt row, answered duplicate the second time")
    func resend() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .sending)
            let body = Bodies.firetext(reference: id.uuidString, status: "0")
            let answers = try await harness.test { client in
                [try await client.firetext(body).1, try await client.firetext(body).1]
            }
            #expect(answers.map { $0?.outcome } == ["applied", "duplicate"])
            #expect(try await database.count("callback_receipts") == 1)
        }
    }

    @Test("fifty different receipts at once through the route: one change, history without gaps")
    func fiftyAtOnce() async throws {
        try await TestDatabase.with(poolSize: 8) { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .sending)
            let outcomes = try await harness.test { client in
                try await withThrowingTaskGroup(of: String?.self) { group in
                    for index in 0..<50 {
                        let body = index % 2 == 0
                            ? Bodies.firetext(reference: id.uuidString, status: "1", code: ["101", "201", "000", "102"][index % 4], time: "2016-03-10 14:17:\(10 + index % 50)")
                            : Bodies.mmg(cid: id.uuidString, status: ["2", "3", "4", "5"][index % 4])
                        group.addTask {
                            index % 2 == 0 ? try await client.firetext(body).1?.outcome : try await client.mmg(body).1?.outcome
                        }
                    }
                    return try await group.reduce(into: [String?]()) { $0.append($1) }
                }
            }
            #expect(outcomes.filter { $0 == "applied" }.count == 1)
            #expect(outcomes.filter { $0 == "duplicate" }.count == 49)
            #expect(try await database.history(id).map(\.version) == [1, 2])
            #expect(try await database.count("callback_receipts") == 50)
        }
    }

    @Test("an unmapped status: 200 unmapped, notification untouched, error logged")
    func unmapped() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .sending)
            let (status, answer) = try await harness.test { client in try await client.mmg(Bodies.mmg(cid: id.uuidString, status: "99")) }
            #expect(status == .ok)
            #expect(answer == Answer(result: "success", outcome: "unmapped"))
            #expect(try await database.notification(id)?.status == .sending)
            #expect(try await database.receiptOutcomes(id) == ["unmapped"])
            let errors = harness.logs.all.filter { $0.level == .error }
            #expect(errors.count == 1)
            #expect(errors.first?.metadata["raw_status"] == "99")
        }
    }
}
