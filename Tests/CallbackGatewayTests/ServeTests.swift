import CallbackStore
import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("callback-gateway serve")
struct ServeTests {
    @Test("serves receipts, retries waiting ones in the background, logs JSON lines without personal data")
    func endToEnd() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database, environment: ["LOG_FORMAT": "json"])
            defer { server.stop() }
            let id = UUID()
            let (status, body) = try await server.post("/notifications/sms/firetext", "mobile=447700900123&status=0&reference=\(id)")
            #expect(status == 200)
            #expect(body == #"{"outcome":"waiting","result":"success"}"#)

            try await database.insertNotification(id: id, status: .sending)
            var applied = false
            for _ in 0..<50 where !applied {
                try await Task.sleep(for: .milliseconds(100))
                applied = try await database.notification(id)?.status == .delivered
            }
            #expect(applied, "the background retrier applied the waiting receipt")

            server.process.signal(SIGTERM)
            #expect(await server.process.exit() == 0)
            let lines = server.process.standardError.split(separator: "\n")
            #expect(lines.count >= 3)
            for line in lines {
                let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                #expect(object?["level"] != nil && object?["message"] != nil, "not a JSON log line: \(line)")
            }
            #expect(!server.process.standardError.contains("447700900123"))
            #expect(lines.contains { $0.contains(#""notification_id":"\#(id.uuidString.lowercased())""#) && $0.contains(#""outcome":"waiting""#) })
        }
    }

    @Test("STATSD_HOST and STATSD_PORT send the gateway's metrics to StatsD")
    func statsd() async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let id = try await database.insertNotification(status: .sending)
                let server = try await RunningGateway.start(database: database, environment: [
                    "STATSD_HOST": "127.0.0.1", "STATSD_PORT": String(listener.port), "STATSD_PREFIX": "cbgw",
                ])
                defer { server.stop() }
                let (status, _) = try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)")
                #expect(status == 200)
                let expected = ["cbgw.callback.firetext.delivered:1|c", "cbgw.POST.sms_callback.process_firetext_response.200:1|c",
                                "cbgw.dao.update_notification_status_by_id:1|c", "cbgw.GET.status.show_status.200:1|c"]
                let lines = await listener.lines(waitingUpTo: .seconds(20)) { lines in expected.allSatisfy(lines.contains) }
                for line in expected { #expect(lines.contains(line)) }
            }
        }
    }

    @Test("SIGTERM lets a request in flight finish, then exits 0")
    func gracefulShutdown() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let id = try await database.insertNotification(status: .sending)
            let server = try await RunningGateway.start(database: database)
            defer { server.stop() }
            // Hold the notification's row lock so that the receipt is still in flight when SIGTERM arrives.
            try await database.query("BEGIN")
            try await database.query("SELECT id FROM notifications WHERE id = $1::uuid FOR UPDATE", [id.uuidString])
            async let answer = server.post("/notifications/sms/firetext", "status=0&reference=\(id)")
            // Wait (from a connection of its own: statistics are frozen inside a transaction) until the receipt's
            // statement is blocked on the lock, so the request is surely in flight when SIGTERM arrives.
            let observer = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1))
            for _ in 0..<200 {
                let waiting = try await observer.run { connection throws(DatabaseError) in
                    try connection.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
                }
                if waiting.value("n") == "1" { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            await observer.shutdownAndWait()
            server.process.signal(SIGTERM)
            try await Task.sleep(for: .milliseconds(300))
            try await database.query("COMMIT")
            let (status, body) = try await answer
            #expect(status == 200)
            #expect(body.contains(#""status":"delivered""#))
            #expect(await server.process.exit() == 0)
            #expect(try await database.notification(id)?.status == .delivered)
        }
    }
}

/// A gateway process on a free port, on a test database.
struct RunningGateway: Sendable {
    let process: RunningProcess
    let port: Int

    static func start(database: TestDatabase, environment: [String: String] = [:]) async throws -> RunningGateway {
        let port = try FreePort.find()
        // SES messages are verified as in production, against the fixtures' test certificate and topic.
        var env = environment.merging(SNSFixtures.gatewayEnvironment) { given, _ in given }
        env["DATABASE_URL"] = database.url
        // The housekeeping jobs would time out notifications seeded from fixtures once their sent_at is 72 hours
        // old; a test about them turns them on.
        env["JOBS"] = env["JOBS"] ?? "off"
        env["PORT"] = String(port)
        env["HOST"] = "127.0.0.1"
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let process = try Command.start(try Gateway.executable, ["serve"], environment: env)
        let gateway = RunningGateway(process: process, port: port)
        for _ in 0..<100 {
            if (try? await gateway.get("/_status"))?.0 == 200 { return gateway }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.signal(SIGKILL)
        throw TestSetupError("the gateway did not answer /_status within 10 s: \(process.standardError)")
    }

    func stop() { process.signal(SIGKILL) }

    func get(_ path: String) async throws -> (Int, String) {
        try await send(URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!))
    }

    func post(
        _ path: String, _ body: String, contentType: String = "application/x-www-form-urlencoded", headers: [String: String] = [:]
    ) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> (Int, String) {
        var request = request
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}

@Suite("callback-gateway serve: slow clients")
struct SlowClientTests {
    @Test("a client that stops half-way through a body, or trickles its headers, is disconnected; others are served")
    func readDeadline() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database, environment: ["REQUEST_READ_TIMEOUT": "1"])
            defer { server.stop() }
            let halfBody = try RawTCPClient(port: server.port)
            halfBody.send("POST /notifications/sms/firetext HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nstatus=0&r")
            let trickle = try RawTCPClient(port: server.port)
            trickle.send("POST /notifications/sms/firetext HTTP/1.1\r\nHo")
            async let trickled: Void = {
                for _ in 0..<30 {
                    try? await Task.sleep(for: .milliseconds(200))
                    if !trickle.send("x") { return }
                }
            }()
            let first = await halfBody.waitForClose(upTo: .seconds(10))
            #expect(first.closed, "a half-sent body does not hold the connection")
            #expect(try await server.get("/_status").0 == 200, "the gateway still serves others")
            let second = await trickle.waitForClose(upTo: .seconds(10))
            #expect(second.closed, "headers sent a byte at a time do not hold the connection")
            await trickled
            let stored = try await database.query("SELECT provider, outcome, left(raw_body, 200) FROM callback_receipts").rows
            #expect(stored.isEmpty, "nothing is stored, but found \(stored); the gateway logged: \(server.process.standardError.suffix(3000))")
        }
    }

    @Test("a kept-alive connection's deadline starts again with each answer: requests spread past REQUEST_READ_TIMEOUT are served, and quiet after the last one closes it")
    func deadlineAfterEachAnswer() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database, environment: ["REQUEST_READ_TIMEOUT": "2"])
            defer { server.stop() }
            let client = try RawTCPClient(port: server.port)
            var lastSent = ContinuousClock.now
            // Five requests 0.6 s apart: 3 s in all, past the 2 s deadline of the connection's opening.
            for _ in 0..<5 {
                try await Task.sleep(for: .milliseconds(600))
                #expect(client.send("GET /_status HTTP/1.1\r\nHost: x\r\n\r\n"), "the connection is still open")
                lastSent = ContinuousClock.now
            }
            let ending = await client.waitForClose(upTo: .seconds(15))
            let quiet = ContinuousClock.now - lastSent
            #expect(ending.closed, "a connection quiet past the deadline is closed")
            #expect(ending.received.components(separatedBy: "HTTP/1.1 200").count - 1 == 5, "every request answered: \(ending.received)")
            // Waiting on a loaded machine can only make this later, never earlier.
            #expect(quiet >= .milliseconds(1_500), "closed \(quiet) after the last request, before the deadline that its answer started")
        }
    }

    @Test("a route with a body limit of its own (SendGrid's batches) takes bodies past MAX_BODY_BYTES, a query string or not; others answer 413")
    func bodyLimitByRoute() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database, environment: ["MAX_BODY_BYTES": "65536", "SENDGRID_MAX_BODY_BYTES": "200000"])
            defer { server.stop() }
            let events = "[" + Array(repeating: #"{"event":"delivered","sg_message_id":"x.y"}"#, count: 2_500).joined(separator: ",") + "]"
            #expect(events.utf8.count > 65536 && events.utf8.count < 200_000)
            // Unsigned, so refused (403): what matters is that it was read, not turned away for its size.
            #expect(try await server.post("/notifications/email/sendgrid", events, contentType: "application/json").0 == 403)
            #expect(try await server.post("/notifications/email/sendgrid?batch=1", events, contentType: "application/json").0 == 403)
            #expect(try await server.post("/notifications/email/sendgridx", events, contentType: "application/json").0 == 413)
            #expect(try await server.post("/notifications/sms/firetext", events, contentType: "application/json").0 == 413)
        }
    }

    @Test("a request abandoned half-way or malformed is the client's problem: 400, nothing stored, nothing logged as an error")
    func abandonedAndMalformed() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database, environment: ["LOG_LEVEL": "debug"])
            defer { server.stop() }
            let abandoned = try RawTCPClient(port: server.port)
            abandoned.send("POST /notifications/sms/firetext HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nsta")
            abandoned.finishSending()
            let abandonedAnswer = await abandoned.waitForClose(upTo: .seconds(10))
            #expect(abandonedAnswer.received.hasPrefix("HTTP/1.1 400"), "\(abandonedAnswer.received)")

            let malformed = try RawTCPClient(port: server.port)
            malformed.send("POST /notifications/sms/firetext HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nsta\r\nZZ\r\n")
            let malformedAnswer = await malformed.waitForClose(upTo: .seconds(10))
            #expect(malformedAnswer.received.hasPrefix("HTTP/1.1 400"), "\(malformedAnswer.received)")

            // A body larger than MAX_BODY_BYTES is passed to the routes as it comes; abandoned there, it is the same.
            let large = try RawTCPClient(port: server.port)
            large.send("POST /notifications/sms/firetext HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nstatus=0&referen\r\n")
            large.send(String(repeating: "1000\r\n" + String(repeating: "x", count: 4096) + "\r\n", count: 20))
            large.finishSending()
            let largeAnswer = await large.waitForClose(upTo: .seconds(10))
            #expect(largeAnswer.received.hasPrefix("HTTP/1.1 4"), "\(largeAnswer.received)")

            #expect(try await server.get("/_status").0 == 200)
            #expect(try await database.count("callback_receipts") == 0)
            let log = server.process.standardError
            #expect(!log.contains("Z error "), "no line at error level: \(log)")
            #expect(!log.contains("answered 503"))
        }
    }
}
