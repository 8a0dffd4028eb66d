import CallbackCore
import CallbackStore
import Foundation
import Testing
import TestSupport

/// Services' callbacks as the gateway sends them: real gateway processes, a real local HTTP receiver standing in
/// for the service, a real database. Retries run on a back-off of 1 s here, so the tests take seconds, not minutes.
@Suite("Service callbacks: each change told to its service once, in order, never lost")
struct ServiceCallbackDeliveryTests {
    static let key = ServiceCallbacksCommandTests.keyA
    static let token = "service-bearer-token-0123456789"

    /// Registers `service`'s callback through the CLI, as an operator does (insecure URLs allowed: the receiver is
    /// plain http on loopback).
    static func register(_ database: TestDatabase, service: UUID, url: String, insecure: Bool = true) async throws {
        var environment = ["DATABASE_URL": database.url, "SERVICE_CALLBACK_ENCRYPTION_KEY": key]
        if insecure { environment["SERVICE_CALLBACK_ALLOW_INSECURE_URLS"] = "1" }
        let output = try await ServiceCallbacksCommandTests.run(
            ["service-callbacks", "set", "--service", service.uuidString, "--type", "delivery-status", "--url", url],
            input: token, environment: environment
        )
        try #require(output.status == 0, "\(output.standardError)")
    }

    /// A `sending` SMS of `service`, with the columns its callbacks carry.
    static func notification(_ database: TestDatabase, service: UUID) async throws -> UUID {
        let id = try await database.insertNotification(status: .sending)
        try await database.query("""
            UPDATE notifications SET service_id = $2::uuid, client_reference = 'their-ref', "to" = '07700900456' WHERE id = $1::uuid
            """, [UUIDText.lowercase(id), UUIDText.lowercase(service)])
        return id
    }

    /// A gateway that sends callbacks, retrying after 1 s (then 2 s, ...).
    static func gateway(_ database: TestDatabase, _ environment: [String: String] = [:]) async throws -> RunningGateway {
        let base = [
            "SERVICE_CALLBACK_ENCRYPTION_KEY": key, "SERVICE_CALLBACK_ALLOW_INSECURE_URLS": "1",
            "SERVICE_CALLBACK_RETRY_INITIAL": "1s", "SERVICE_CALLBACK_TIMEOUT": "2s",
        ]
        return try await RunningGateway.start(database: database, environment: environment.merging(base) { given, _ in given })
    }

    /// The outbox rows' state, attempts, last status and idempotency key, oldest first.
    static func outbox(_ database: TestDatabase) async throws -> [(state: String, attempts: Int, status: String?, key: String)] {
        try await database.query("SELECT state, attempts, last_status_code, idempotency_key FROM service_callback_outbox ORDER BY id").rows.map {
            ($0[0] ?? "", Int($0[1] ?? "") ?? -1, $0[2], $0[3] ?? "")
        }
    }

    /// Waits up to `limit` for every outbox row to be in `state`.
    static func waitForOutbox(_ database: TestDatabase, _ state: String, upTo limit: Duration = .seconds(20)) async throws -> [(state: String, attempts: Int, status: String?, key: String)] {
        let settled = try await poll(every: .milliseconds(100), upTo: limit) {
            let rows = try await outbox(database)
            return !rows.isEmpty && rows.allSatisfy { $0.state == state } ? rows : nil
        }
        if let settled { return settled }
        return try await outbox(database)
    }

    /// Waits until every callback has been sent, and so deleted from the outbox; returns what is left.
    static func waitForOutboxEmptied(_ database: TestDatabase, upTo limit: Duration = .seconds(20)) async throws -> [(state: String, attempts: Int, status: String?, key: String)] {
        let emptied = try await poll(every: .milliseconds(100), upTo: limit) { try await outbox(database).isEmpty ? true : nil }
        if emptied == true { return [] }
        return try await outbox(database)
    }

    static func json(_ body: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
    }

    @Test("a receipt that changes a status makes exactly one POST with the payload, the token and the key; a duplicate makes none")
    func exactlyOne() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            try await TestDatabase.with { database in
                let service = UUID()
                try await Self.register(database, service: service, url: receiver.url(path: "/callbacks/status?v=2").absoluteString)
                let id = try await Self.notification(database, service: service)
                let server = try await Self.gateway(database)
                defer { server.stop() }
                #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
                #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)

                _ = await receiver.requests(waitingUpTo: .seconds(10)) { !$0.isEmpty }
                let requests = await receiver.requests(after: .seconds(2))
                try #require(requests.count == 1, "one POST, not \(requests.count)")
                let request = requests[0]
                #expect(request.method == "POST")
                #expect(request.target == "/callbacks/status?v=2")
                #expect(request.headers["authorization"] == "Bearer \(Self.token)")
                #expect(request.headers["content-type"] == "application/json")
                let body = Self.json(request.body)
                #expect(body["id"] as? String == UUIDText.lowercase(id))
                #expect(body["status"] as? String == "delivered")
                #expect(body["reference"] as? String == "their-ref")
                #expect(body["to"] as? String == "07700900456")
                #expect(body["notification_type"] as? String == "sms")
                #expect(request.headers["idempotency-key"].flatMap(UUID.init(uuidString:)) != nil, "the key is the row's UUID")
                #expect(try await Self.waitForOutboxEmptied(database).isEmpty, "a sent callback's row is deleted")
                #expect(!server.process.standardError.contains(Self.token), "the token is never logged")
            }
        }
    }

    @Test("500 then 200: delivered once, on the retry, with the same idempotency key")
    func retriedOnServerError() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            try await TestDatabase.with { database in
                let service = UUID()
                try await Self.register(database, service: service, url: receiver.url(path: "/cb").absoluteString)
                let id = try await Self.notification(database, service: service)
                receiver.answer(first: [.status(500)], then: .ok)
                let server = try await Self.gateway(database)
                defer { server.stop() }
                #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
                _ = await receiver.requests(waitingUpTo: .seconds(10)) { $0.count >= 2 }
                let requests = await receiver.requests(after: .seconds(2))
                #expect(requests.map(\.answeredWith) == [500, 200])
                #expect(Set(requests.compactMap { $0.headers["idempotency-key"] }).count == 1)
                if requests.count == 2 {
                    #expect(requests[1].receivedAt - requests[0].receivedAt >= .milliseconds(900), "the retry waits its back-off")
                }
                #expect(try await Self.waitForOutboxEmptied(database).isEmpty, "sent on the second attempt")
            }
        }
    }

    @Test("429 with Retry-After is retried no sooner than the service asked")
    func retryAfterHonoured() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            try await TestDatabase.with { database in
                let service = UUID()
                try await Self.register(database, service: service, url: receiver.url(path: "/cb").absoluteString)
                let id = try await Self.notification(database, service: service)
                receiver.answer(first: [.respond(status: 429, headers: ["Retry-After": "3"], body: "slow down")], then: .ok)
                let server = try await Self.gateway(database)
                defer { server.stop() }
                #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
                let requests = await receiver.requests(waitingUpTo: .seconds(15)) { $0.count >= 2 }
                try #require(requests.count == 2)
                #expect(requests[1].receivedAt - requests[0].receivedAt >= .milliseconds(2900), "Retry-After: 3 is waited, not the 1 s back-off")
                #expect(try await Self.waitForOutboxEmptied(database).isEmpty)
            }
        }
    }

    @Test("400 is failed and not retried")
    func refusedNotRetried() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            try await TestDatabase.with { database in
                let service = UUID()
                try await Self.register(database, service: service, url: receiver.url(path: "/cb").absoluteString)
                let id = try await Self.notification(database, service: service)
                receiver.answer(.status(400))
                let server = try await Self.gateway(database)
                defer { server.stop() }
                #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
                let rows = try await Self.waitForOutbox(database, "failed")
                #expect(rows.map(\.state) == ["failed"])
                #expect(rows.first?.status == "400")
                #expect(await receiver.requests(after: .seconds(3)).count == 1)
            }
        }
    }

    @Test("a receiver down past the attempts: dead; re-driven once it is up: delivered")
    func deadThenRedriven() async throws {
        try await TestDatabase.with { database in
            // Held bound, so connections are refused and no other test's receiver can take the port meanwhile.
            let down = try ReservedPort()
            let port = down.port
            let service = UUID()
            try await Self.register(database, service: service, url: "http://127.0.0.1:\(port)/cb")
            let id = try await Self.notification(database, service: service)
            let server = try await Self.gateway(database, ["SERVICE_CALLBACK_MAX_ATTEMPTS": "2"])
            defer { server.stop() }
            #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
            let dead = try await Self.waitForOutbox(database, "dead")
            #expect(dead.map(\.state) == ["dead"])
            #expect(dead.map(\.attempts) == [2])

            let environment = ["DATABASE_URL": database.url]
            let listed = try await Gateway.run(["service-callbacks", "outbox", "--state", "dead"], environment: environment)
            #expect(listed.status == 0)
            #expect(listed.standardOutput.contains(UUIDText.lowercase(id)))
            #expect(listed.standardOutput.contains("connection refused") || listed.standardOutput.contains("refused"), "\(listed.standardOutput)")

            down.release()
            let receiver = try WebhookReceiver(port: port)
            let redriven = try await Gateway.run(["service-callbacks", "redrive", "--state", "dead"], environment: environment)
            #expect(redriven.status == 0, "\(redriven.standardError)")
            #expect(redriven.standardOutput.contains("re-drove 1 dead callback"))
            let requests = await receiver.requests(waitingUpTo: .seconds(10)) { !$0.isEmpty }
            #expect(requests.count == 1)
            #expect(requests.first?.headers["idempotency-key"] == dead.first?.key)
            #expect(try await Self.waitForOutboxEmptied(database).isEmpty)
            await receiver.close()
        }
    }

    @Test("pending then delivered for one notification, the first attempt of pending failing: pending still arrives first")
    func orderPerNotification() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            try await TestDatabase.with { database in
                let service = UUID()
                try await Self.register(database, service: service, url: receiver.url(path: "/cb").absoluteString)
                let id = try await Self.notification(database, service: service)
                receiver.answer(.status(503))
                let server = try await Self.gateway(database)
                defer { server.stop() }
                #expect(try await server.post("/notifications/sms/firetext", "status=2&reference=\(id)").0 == 200)
                _ = await receiver.requests(waitingUpTo: .seconds(10)) { !$0.isEmpty }
                #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
                // The delivered callback is due now, but its notification's pending one is not sent yet: however
                // many attempts of pending fail meanwhile, none of delivered is made.
                try await Task.sleep(for: .milliseconds(1500))
                receiver.answer(.ok)
                _ = await receiver.requests(waitingUpTo: .seconds(30)) { requests in requests.contains { Self.json($0.body)["status"] as? String == "delivered" } }
                let requests = await receiver.requests(after: .seconds(1))
                let statuses = requests.map { Self.json($0.body)["status"] as? String ?? "" }
                let answers = requests.map { $0.answeredWith ?? 0 }
                try #require(requests.count >= 3, "\(statuses)")
                #expect(statuses.dropLast().allSatisfy { $0 == "pending" } && statuses.last == "delivered", "\(statuses)")
                #expect(answers.dropLast(2).allSatisfy { $0 == 503 } && answers.suffix(2) == [200, 200], "pending failed, then was sent, and only then delivered: \(answers)")
            }
        }
    }

    @Test("the replica sending a callback is killed mid-send: another replica sends it, with the same idempotency key")
    func replicaKilledMidSend() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            try await TestDatabase.with { database in
                let service = UUID()
                try await Self.register(database, service: service, url: receiver.url(path: "/cb").absoluteString)
                let id = try await Self.notification(database, service: service)
                receiver.answer(.stall)
                let first = try await Self.gateway(database)
                #expect(try await first.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
                _ = await receiver.requests(waitingUpTo: .seconds(10)) { !$0.isEmpty }
                first.process.signal(SIGKILL)
                _ = await first.process.exit()
                receiver.answer(.ok)
                let second = try await Self.gateway(database)
                defer { second.stop() }
                // The lease of a 2 s timeout is 14 s; the second replica takes the row once it has run out.
                let requests = await receiver.requests(waitingUpTo: .seconds(30)) { $0.count >= 2 }
                try #require(requests.count == 2, "the callback was sent again")
                #expect(requests[0].headers["idempotency-key"] == requests[1].headers["idempotency-key"])
                #expect(requests[0].body == requests[1].body)
                #expect(try await Self.waitForOutboxEmptied(database).isEmpty)
            }
        }
    }

    @Test("a replica with SERVICE_CALLBACKS=off sends nothing; a dispatcher replica that takes no receipts sends what it owes")
    func separateDispatcher() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            try await TestDatabase.with { database in
                let service = UUID()
                try await Self.register(database, service: service, url: receiver.url(path: "/cb").absoluteString)
                let id = try await Self.notification(database, service: service)
                let receiving = try await Self.gateway(database, ["SERVICE_CALLBACKS": "off"])
                defer { receiving.stop() }
                #expect(try await receiving.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
                #expect(await receiver.requests(after: .seconds(2)).isEmpty, "the receiving replica sends no callback")
                #expect(try await Self.outbox(database).map(\.state) == ["pending"], "the callback is owed")

                let dispatcher = try await Self.gateway(database, ["JOBS": "off"])
                defer { dispatcher.stop() }
                let requests = await receiver.requests(waitingUpTo: .seconds(10)) { !$0.isEmpty }
                try #require(requests.count == 1, "the dispatcher replica sent it")
                #expect(Self.json(requests[0].body)["status"] as? String == "delivered")
                #expect(try await Self.waitForOutboxEmptied(database).isEmpty)
            }
        }
    }

    @Test("a host that stalls or fails holds back no other: its attempts are bounded, then paused by the circuit")
    func hostsIsolated() async throws {
        try await WebhookReceiver.withReceiver { slow in
            try await WebhookReceiver.withReceiver { failing in
                try await WebhookReceiver.withReceiver { healthy in
                    try await TestDatabase.with { database in
                        // Three hosts as the gate tells them apart, all this machine: 127.0.0.1, localhost and 127.1.
                        let (slowService, failingService, healthyService) = (UUID(), UUID(), UUID())
                        try await Self.register(database, service: slowService, url: "http://127.0.0.1:\(slow.port)/cb")
                        try await Self.register(database, service: failingService, url: "http://localhost:\(failing.port)/cb")
                        try await Self.register(database, service: healthyService, url: "http://127.1:\(healthy.port)/cb")
                        slow.answer(.stall)
                        failing.answer(.status(503))
                        // The stalled attempts must not end within the test.
                        let server = try await Self.gateway(database, ["SERVICE_CALLBACK_TIMEOUT": "60s"])
                        defer { server.stop() }
                        for service in [slowService, failingService] {
                            for _ in 0..<12 {
                                let id = try await Self.notification(database, service: service)
                                #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
                            }
                        }
                        let id = try await Self.notification(database, service: healthyService)
                        #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)

                        let delivered = await healthy.requests(waitingUpTo: .seconds(15)) { !$0.isEmpty }
                        #expect(delivered.count == 1, "the healthy service is told at once")
                        _ = await slow.requests(waitingUpTo: .seconds(15)) { $0.count >= 8 }
                        #expect(await slow.requests(after: .seconds(2)).count == 8, "at most 8 attempts in flight to one host")
                        // Once 5 attempts in a row have failed the host is paused; up to 7 more may already be in
                        // flight by then (8 at once), so at most 12 arrive, and then none for the pause.
                        let failed = failing.requests
                        #expect(failed.count >= 5 && failed.count <= 12, "5 failures in a row pause the host (\(failed.count) attempts)")
                        #expect(await failing.requests(after: .seconds(4)).count == failed.count, "nothing is sent to a paused host")
                    }
                }
            }
        }
    }

    @Test("StatsD and Prometheus count each callback retried and sent; StatsD times receipt to callback")
    func statsd() async throws {
        try await UDPListener.withListener { listener in
            try await WebhookReceiver.withReceiver { receiver in
                try await TestDatabase.with { database in
                    let service = UUID()
                    try await Self.register(database, service: service, url: receiver.url(path: "/cb").absoluteString)
                    receiver.answer(first: [.status(500)], then: .ok)
                    let server = try await Self.gateway(database, [
                        "STATSD_HOST": "127.0.0.1", "STATSD_PORT": String(listener.port), "STATSD_PREFIX": "cbgw",
                        "ADMIN_TOKEN": PrometheusTests.token,
                    ])
                    defer { server.stop() }
                    let id = try await Self.notification(database, service: service)
                    #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
                    let lines = await listener.lines(waitingUpTo: .seconds(20)) { lines in
                        lines.contains("cbgw.service_callback.delivery-status.sent:1|c")
                    }
                    #expect(lines.contains("cbgw.service_callback.delivery-status.retried:1|c"))
                    #expect(lines.contains("cbgw.service_callback.delivery-status.sent:1|c"))
                    let timer = lines.first { $0.hasPrefix("cbgw.service_callback.delivery-status.elapsed-time:") }
                    #expect(timer?.hasSuffix("|ms") == true, "\(lines)")
                    let milliseconds = timer.flatMap { Double($0.split(separator: ":")[1].split(separator: "|")[0]) } ?? 0
                    #expect(milliseconds >= 900, "receipt to callback includes the retry's second")
                    let scrape = try await server.scrape(token: PrometheusTests.token)
                    #expect(scrape.value("service_callbacks_total", ["type": "delivery-status", "result": "retried"]) == 1)
                    #expect(scrape.value("service_callbacks_total", ["type": "delivery-status", "result": "sent"]) == 1)
                }
            }
        }
    }

    @Test("at send time, an http URL or a host that resolves to loopback is refused unless the insecure setting is on")
    func insideAddressesRefusedAtSend() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            try await TestDatabase.with { database in
                // Registered while the insecure setting was on; the gateway runs without it.
                let plain = UUID()
                try await Self.register(database, service: plain, url: "http://127.0.0.1:\(receiver.port)/cb")
                let named = UUID()
                try await Self.register(database, service: named, url: "https://localhost:\(receiver.port)/cb")
                let privateAddress = UUID()
                try await Self.register(database, service: privateAddress, url: "https://10.2.3.4/cb")
                let metadata = UUID()
                try await Self.register(database, service: metadata, url: "https://169.254.169.254/latest/meta-data/")
                let server = try await Self.gateway(database, ["SERVICE_CALLBACK_ALLOW_INSECURE_URLS": "0", "SERVICE_CALLBACK_MAX_ATTEMPTS": "1"])
                defer { server.stop() }
                for service in [plain, named, privateAddress, metadata] {
                    let id = try await Self.notification(database, service: service)
                    #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
                }
                let rows = try await Self.waitForOutbox(database, "dead")
                #expect(rows.map(\.state) == ["dead", "dead", "dead", "dead"])
                let reasons = try await database.query("SELECT last_error FROM service_callback_outbox ORDER BY id").rows.map { $0[0] ?? "" }
                try #require(reasons.count == 4)
                #expect(reasons[0].contains("https"), "\(reasons[0])")
                #expect(reasons[1].contains("loopback"), "\(reasons[1])")
                #expect(reasons[2].contains("private"), "\(reasons[2])")
                #expect(reasons[3].contains("metadata"), "\(reasons[3])")
                #expect(receiver.requests.isEmpty, "nothing reached the inside address")
            }
        }
    }
}
