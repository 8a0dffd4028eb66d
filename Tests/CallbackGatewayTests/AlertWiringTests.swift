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
                let first = await receiver.requests(waitingUpTo: .seconds(20)) { !$0.isEmpty }
                try #require(first.count == 1, "one alert, not \(first.count); the gateway logged: \(server.process.standardError.suffix(3000))")
                let text = try #require((try JSONSerialization.jsonObject(with: Data(first[0].body.utf8)) as? [String: String])?["text"])
                #expect(text.contains("MMG sent a status the mapping does not know:* `99`"))
                #expect(text.contains("Seen 1 time"))
                #expect(text.contains("callback-gateway replay --from-db unmapped --provider mmg"))

                for nonce in 1...10 {
                    #expect(try await server.post("/notifications/sms/mmg", Self.mmg(id, status: 99, nonce: nonce), contentType: "application/json").0 == 200)
                }
                // The ten are summed into what follows the first alert, one alert per cooldown at most: normally a
                // single "Seen 10 times"; on a slow machine the ten may straddle a cooldown and be split.
                var reported = 0
                var alerts = 1
                while reported < 10 {
                    let next = await receiver.requests(waitingUpTo: .seconds(20)) { $0.count > alerts }
                    guard next.count > alerts else { break }
                    let body = next[alerts].body
                    let count = body.firstMatch(of: /Seen (\d+) time/).flatMap { Int($0.1) } ?? 0
                    reported += count
                    alerts += 1
                }
                #expect(reported == 10, "every occurrence is reported once")
                #expect(server.process.standardError.contains("cooldown=6s"), "settings are logged as given")
                let arrivals = receiver.requests.map(\.receivedAt)
                for (earlier, later) in zip(arrivals, arrivals.dropFirst()) {
                    #expect(later - earlier >= .seconds(5), "alerts for one status are a cooldown (6 s) apart")
                }
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
