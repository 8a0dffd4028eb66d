import CallbackCore
import CallbackServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("HTTP contract")
struct ContractTests {
    @Test("400 lists every problem", arguments: [
        ("missing reference", "/notifications/sms/firetext", Bodies.firetextType, "mobile=447700900123&status=0", ["Firetext callback failed: reference missing"]),
        ("missing status", "/notifications/sms/firetext", Bodies.firetextType, "mobile=447700900123&reference=\(UUID())", ["Firetext callback failed: status missing"]),
        ("both missing", "/notifications/sms/firetext", Bodies.firetextType, "mobile=447700900123", ["Firetext callback failed: reference missing", "Firetext callback failed: status missing"]),
        ("reference not a UUID", "/notifications/sms/firetext", Bodies.firetextType, "status=0&reference=12345", ["Firetext callback failed: reference is not a notification id (UUID)"]),
    ])
    func badRequests(name: String, path: String, contentType: String, body: String, messages: [String]) async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let (status, answer) = try await harness.test { client in try await client.post(path, body, contentType: contentType) }
            #expect(status == .badRequest, "\(name)")
            #expect(answer?.result == "error")
            #expect(Set(answer?.message ?? []) == Set(messages), "\(name)")
            #expect(try await database.count("callback_receipts") == 0)
        }
    }

    @Test("invalid JSON to MMG, and an SNS envelope whose Message is not JSON, are 400s")
    func unreadableJSON() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let results = try await harness.test { client in
                [try await client.mmg(#"{"CID": "#),
                 try await client.ses(Bodies.snsEnvelope(message: "this is not json"))]
            }
            #expect(results.map(\.0) == [.badRequest, .badRequest])
            #expect(results[0].1?.message?.first?.hasPrefix("MMG callback failed: ") == true)
            #expect(results[1].1?.message?.first?.hasPrefix("SES callback failed: ") == true)
            #expect(results[1].1?.message?.first?.contains("Message") == true)
        }
    }

    @Test("an identifier too long to be real (SES messageId, MMG reference) is a 400, not a database failure on every resend")
    func overlongIdentifiers() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let long = String(repeating: "m", count: 5000)
            let mmg = #"{"reference":"\#(long)","CID":"\#(UUID())","status":3}"#
            let results = try await harness.test { client in
                [try await client.ses(Bodies.ses("Delivery", messageID: long)), try await client.mmg(mmg)]
            }
            #expect(results.map(\.0) == [.badRequest, .badRequest])
            #expect(results[0].1?.message == ["SES callback failed: the provider's message reference is longer than 256 bytes"])
            #expect(try await database.count("callback_receipts") == 0)
        }
    }

    @Test("413 for a body over the limit, read no further; a body at the limit is read")
    func tooLarge() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(maxBodyBytes: 1024))
            let id = try await database.insertNotification(status: .sending)
            let exact = Bodies.firetext(reference: id.uuidString, status: "0") + "&pad="
            let atLimit = exact + String(repeating: "x", count: 1024 - exact.utf8.count)
            let results = try await harness.test { client in
                [try await client.firetext(atLimit + "x"), try await client.firetext(atLimit)]
            }
            #expect(results[0].0 == .contentTooLarge)
            #expect(results[0].1?.message == ["request body is larger than 1024 bytes; send a smaller body"])
            #expect(results[1].0 == .ok)
        }
    }

    @Test("413 also when the body arrives without a Content-Length (streamed)")
    func tooLargeStreamed() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(maxBodyBytes: 1024))
            let status = try await harness.test { client in
                try await client.execute(
                    uri: "/notifications/sms/mmg", method: .post, headers: [.contentType: "application/json", .transferEncoding: "chunked"],
                    body: ByteBuffer(string: String(repeating: "{", count: 4096))
                ) { $0.status }
            }
            #expect(status == .contentTooLarge)
        }
    }

    @Test("415 for a content type the route does not take")
    func unsupportedType() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let results = try await harness.test { client in
                [try await client.post("/notifications/sms/firetext", "{}", contentType: "application/json"),
                 try await client.post("/notifications/sms/mmg", "a=b", contentType: "application/x-www-form-urlencoded")]
            }
            #expect(results.map(\.0) == [.unsupportedMediaType, .unsupportedMediaType])
            #expect(results[0].1?.message?.first?.contains("application/x-www-form-urlencoded") == true)
        }
    }

    @Test("SNS subscription confirmation is verified, confirmed, answered 200 and logged")
    func subscriptionConfirmation() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let subscribeURL = "https://sns.eu-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=abc"
            let body = Bodies.snsEnvelope(message: "You have chosen to subscribe", type: "SubscriptionConfirmation",
                                          extra: ["SubscribeURL": subscribeURL, "Token": "abc"])
            let (status, answer) = try await harness.test { client in
                try await client.post("/notifications/email/ses", body, contentType: Bodies.snsType,
                                      headers: [HTTPField.Name("x-amz-sns-message-type")!: "SubscriptionConfirmation"])
            }
            #expect(status == .ok)
            #expect(answer?.result == "success")
            #expect(harness.subscriptionOpener.urls.map(\.absoluteString) == [subscribeURL])
            #expect(harness.logs.all.contains { $0.message.contains("subscription confirmed") })
            #expect(try await database.count("callback_receipts") == 0)
        }
    }

    @Test("/_status and /_status/ready")
    func status() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let answers = try await harness.test { client in
                [try await client.execute(uri: "/_status", method: .get) { ($0.status, String(buffer: $0.body)) },
                 try await client.execute(uri: "/_status/ready", method: .get) { ($0.status, String(buffer: $0.body)) }]
            }
            #expect(answers[0].0 == .ok)
            #expect(answers[0].1 == #"{"status":"ok"}"#)
            #expect(answers[1].0 == .ok)
        }
    }

    @Test("logs carry no phone number and no email address")
    func privacy() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let id = try await database.insertNotification(status: .sending, type: "email", reference: "private-ref")
            _ = try await harness.test { client in
                _ = try await client.firetext(Bodies.firetext(reference: UUID().uuidString, status: "0"))
                _ = try await client.firetext("mobile=447700900123&status=0")
                _ = try await client.mmg(Bodies.mmg(cid: UUID().uuidString, status: "3"))
                _ = try await client.ses(Bodies.ses("Complaint", messageID: "private-ref"))
                return try await client.firetext("mobile=447700900123&status=447700900123&reference=\(UUID())")
            }
            let lines = harness.logs.all.map(\.line)
            #expect(lines.count >= 5)
            #expect(!lines.contains { $0.contains("447700900123") || $0.contains("@") })
            #expect(try await database.notification(id)?.status == .sending)
        }
    }
}
