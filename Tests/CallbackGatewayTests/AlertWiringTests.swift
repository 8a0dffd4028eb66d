import Foundation
import Testing
import TestSupport

@Suite("callback-gateway serve: alerts on unknown statuses")
struct AlertWiringTests {
    static func mmg(_ id: UUID, status: Int, nonce: Int) -> String {
        #"{"reference":"mmg-\#(nonce)","CID":"\#(id.uuidString)","MSISDN":"447700900123","status":\#(status),"substatus":1}"#
    }

    @Test("one unmapped status is one POST; ten more within the cooldown are one more POST after it, with the count")
    func cooldown() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            try await TestDatabase.with { database in
                let id = try await database.insertNotification(status: .sending)
                let server = try await RunningGateway.start(database: database, environment: [
                    "ALERT_WEBHOOK_URL": receiver.url().absoluteString, "ALERT_COOLDOWN": "6s",
                ])
                defer { server.stop() }
                #expect(try await server.post("/notifications/sms/mmg", Self.mmg(id, status: 99, nonce: 0), contentType: "application/json").0 == 200)
                let first = await receiver.requests(waitingUpTo: .seconds(5)) { !$0.isEmpty }
                try #require(first.count == 1)
                let text = try #require((try JSONSerialization.jsonObject(with: Data(first[0].body.utf8)) as? [String: String])?["text"])
                #expect(text.contains("MMG sent a status the mapping does not know:* `99`"))
                #expect(text.contains("Seen 1 time"))
                #expect(text.contains("callback-gateway replay --from-db unmapped --provider mmg"))

                for nonce in 1...10 {
                    #expect(try await server.post("/notifications/sms/mmg", Self.mmg(id, status: 99, nonce: nonce), contentType: "application/json").0 == 200)
                }
                #expect(await receiver.requests(after: .milliseconds(500)).count == 1, "nothing more within the cooldown")
                let second = await receiver.requests(waitingUpTo: .seconds(15)) { $0.count >= 2 }
                try #require(second.count == 2)
                #expect(second[1].body.contains("Seen 10 times since"))
            }
        }
    }

    @Test("a webhook that is down changes nothing for receipts")
    func webhookDown() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending)
            let server = try await RunningGateway.start(database: database, environment: [
                "ALERT_WEBHOOK_URL": "http://127.0.0.1:\(try FreePort.find())/hook",
            ])
            defer { server.stop() }
            for nonce in 0..<5 {
                let (status, body) = try await server.post("/notifications/sms/mmg", Self.mmg(id, status: 99, nonce: nonce), contentType: "application/json")
                #expect(status == 200)
                #expect(body.contains(#""outcome":"unmapped""#))
            }
            #expect(try await server.post("/notifications/sms/mmg", Self.mmg(id, status: 3, nonce: 9), contentType: "application/json").0 == 200)
            #expect(try await database.notification(id)?.status == .delivered)
        }
    }

    @Test("bad alert settings stop start-up with a message that does not echo the URL")
    func badSettings() async throws {
        let url = try await Gateway.run(["serve"], environment: ["ALERT_WEBHOOK_URL": "ftp://secret-token@example.com/x"])
        #expect(url.status == 78)
        #expect(url.standardError.contains("ALERT_WEBHOOK_URL is not an http or https URL"))
        #expect(!url.standardError.contains("secret-token"))
        let cooldown = try await Gateway.run(["serve"], environment: ["ALERT_COOLDOWN": "soon"])
        #expect(cooldown.status == 78)
        #expect(cooldown.standardError.contains("ALERT_COOLDOWN is \"soon\", which is not a duration"))
    }
}
