import CallbackCore
import Foundation
import Testing
import TestSupport

/// Every row of the default mapping, through the real routes and a real database.
@Suite("Default mapping through the routes")
struct MappingRouteTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var provider: Provider
        var status: String
        var code: String?
        var from: NotificationStatus
        var outcome: String
        var written: NotificationStatus?
        var testDescription: String { name }
    }

    static let firetextCodes: [Case] =
        ["000", "102", "103", "104", "302", "900"].map { (code: String) in
            Case(name: "Firetext 1 code \(code)", provider: .firetext, status: "1", code: code, from: .sending, outcome: "applied", written: .temporaryFailure)
        } + ["101", "201", "301", "401"].map { (code: String) in
            Case(name: "Firetext 1 code \(code)", provider: .firetext, status: "1", code: code, from: .sending, outcome: "applied", written: .permanentFailure)
        }

    static let cases: [Case] = [
        Case(name: "Firetext 0", provider: .firetext, status: "0", from: .sending, outcome: "applied", written: .delivered),
        Case(name: "Firetext 1 from sending", provider: .firetext, status: "1", from: .sending, outcome: "applied", written: .permanentFailure),
        Case(name: "Firetext 1 from pending", provider: .firetext, status: "1", from: .pending, outcome: "applied", written: .temporaryFailure),
        Case(name: "Firetext 2", provider: .firetext, status: "2", from: .sending, outcome: "applied", written: .pending),
    ] + firetextCodes + [
        Case(name: "MMG 2", provider: .mmg, status: "2", from: .sending, outcome: "applied", written: .permanentFailure),
        Case(name: "MMG 3", provider: .mmg, status: "3", from: .sending, outcome: "applied", written: .delivered),
        Case(name: "MMG 4 from sending", provider: .mmg, status: "4", from: .sending, outcome: "applied", written: .temporaryFailure),
        Case(name: "MMG 5", provider: .mmg, status: "5", from: .sending, outcome: "applied", written: .permanentFailure),
        Case(name: "SES Delivery", provider: .ses, status: "Delivery", from: .sending, outcome: "applied", written: .delivered),
        Case(name: "SES Bounce Permanent", provider: .ses, status: "Bounce", code: "Permanent", from: .sending, outcome: "applied", written: .permanentFailure),
        Case(name: "SES Bounce Transient", provider: .ses, status: "Bounce", code: "Transient", from: .sending, outcome: "applied", written: .temporaryFailure),
        Case(name: "SES Bounce Undetermined", provider: .ses, status: "Bounce", code: "Undetermined", from: .sending, outcome: "applied", written: .temporaryFailure),
        Case(name: "SES Complaint", provider: .ses, status: "Complaint", from: .delivered, outcome: "complaint", written: nil),
    ]

    @Test("maps, applies and answers", arguments: cases)
    func route(_ item: Case) async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let reference = "ses-\(UUID().uuidString.lowercased())"
            let id = try await database.insertNotification(status: item.from, type: item.provider == .ses ? "email" : "sms", reference: reference)
            let (status, answer) = try await harness.test { client in
                switch item.provider {
                case .firetext: try await client.firetext(Bodies.firetext(reference: id.uuidString, status: item.status, code: item.code))
                case .mmg: try await client.mmg(Bodies.mmg(cid: id.uuidString, status: item.status))
                case .ses: try await client.ses(Bodies.ses(item.status, messageID: reference, bounceType: item.code))
                default: throw TestSetupError("no request for \(item.provider) in this test")
                }
            }
            #expect(status == .ok)
            #expect(answer == Answer(result: "success", outcome: item.outcome, status: item.written?.rawValue))
            let row = try #require(try await database.notification(id))
            #expect(row.status == item.written ?? item.from)
            if item.written != nil {
                #expect(row.updatedBy == "callback:\(item.provider.rawValue)")
                #expect(try await database.history(id).count == 2)
            } else {
                #expect(try await database.history(id).count == 1)
            }
            #expect(try await database.receiptOutcomes(id) == [item.outcome])
        }
    }

    @Test("MMG status as a string maps like the number")
    func mmgStringStatus() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .sending)
            let (status, answer) = try await harness.test { client in
                try await client.mmg(Bodies.mmg(cid: id.uuidString, status: "3", numeric: false))
            }
            #expect(status == .ok)
            #expect(answer?.status == "delivered")
        }
    }
}
