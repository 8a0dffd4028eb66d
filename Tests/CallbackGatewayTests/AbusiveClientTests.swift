import CallbackCore
import Foundation
import Testing
import TestSupport

/// The cheapest attacks on a gateway that faces the internet, against a real gateway process over real sockets:
/// connections that trickle bodies or never send a byte, floods of them, and a client slower than the deadline.
/// What a provider sending whole requests promptly sees meanwhile is what is checked. docs/security.md
/// ("Slow and abusive clients") has the figures of one run, which these tests print.
@Suite("Slow and abusive clients", .serialized)
struct AbusiveClientTests {
    static let firetextHead = "POST /notifications/sms/firetext HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n"

    @Test("1,000 connections trickling bodies: liveness answers within 100 ms, 50 receipts are each applied within 1 s")
    func tricklingBodies() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database)
            defer { server.stop() }
            let flood = try ConnectionFlood(count: 1000, port: server.port)
            defer { flood.closeAll() }
            #expect(flood.sendToAll(Self.firetextHead + "sta") == 1000)
            flood.trickle(every: .milliseconds(500))
            let figures = try await Self.honestTraffic(to: server, database: database)
            #expect(flood.openCount() >= 990, "the attack's connections are still open while the receipts are answered")
            print("trickling bodies: \(flood.openCount()) connections held; \(figures)")
        }
    }

    @Test("5,000 connections that never send a byte: liveness answers within 100 ms, 50 receipts are each applied within 1 s")
    func idleConnections() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database)
            defer { server.stop() }
            let flood = try ConnectionFlood(count: 5000, port: server.port)
            defer { flood.closeAll() }
            let figures = try await Self.honestTraffic(to: server, database: database)
            #expect(flood.openCount() >= 4950, "the idle connections are still open while the receipts are answered")
            print("idle connections: \(flood.openCount()) connections held; \(figures)")
        }
    }

    @Test("a full connection table closes the connection that has waited longest, so providers still get in")
    func fullTable() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database, environment: ["MAX_CONNECTIONS": "300"])
            defer { server.stop() }
            let flood = try ConnectionFlood(count: 1000, port: server.port)
            defer { flood.closeAll() }
            // Room is made for every connection past 300 by closing the longest-waiting ones, the flood's own. The
            // flood's connects return once the kernel has queued them, before the gateway has accepted them all: an
            // honest connection sent meanwhile, answered and waiting for its next request, could itself become the
            // longest-waiting one and be closed as a later flood connection is accepted. Providers arrive into a
            // table the flood has filled, so the test waits for the flood to be taken in (a close takes a moment to
            // reach this side).
            var open = flood.openCount()
            for _ in 0..<100 where open > 300 {
                try await Task.sleep(for: .milliseconds(100))
                open = flood.openCount()
            }
            #expect(open <= 300, "no more than MAX_CONNECTIONS are held: \(open)")
            let figures = try await Self.honestTraffic(to: server, database: database)
            open = flood.openCount()
            for _ in 0..<50 where open > 300 {
                try await Task.sleep(for: .milliseconds(100))
                open = flood.openCount()
            }
            #expect(open <= 300, "no more than MAX_CONNECTIONS are held after the honest traffic: \(open)")
            print("full table (MAX_CONNECTIONS=300): \(open) of the flood's 1000 connections left open; \(figures)")
        }
    }

    @Test("three floods of 4,000 slow bodies: memory after each within 10% of the first and at most 150 MiB")
    func repeatedFloods() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database)
            defer { server.stop() }
            let resting = try #require(ResidentMemory.of(server.process.pid))
            var during: [Int] = []
            var after: [Int] = []
            for _ in 0..<3 {
                let flood = try ConnectionFlood(count: 4000, port: server.port)
                #expect(flood.sendToAll(Self.firetextHead + "status=0&ref") == 4000)
                // Every connection admitted and its first bytes read before the flood's memory is taken.
                try await Task.sleep(for: .seconds(1))
                #expect(try await server.get("/_status").0 == 200)
                during.append(try #require(ResidentMemory.of(server.process.pid)))
                flood.closeAll()
                // The gateway hands free memory back within about 10 s of a flood's end: MemoryTrimmer looks every
                // 5 s and trims at the look that finds the flood gone and at the next (see MemoryTrimSchedule: with
                // one trim, a look that fell while the connections were still being freed left a flood's memory
                // mapped until the next flood). 30 s at most, for a loaded machine.
                var settled = try #require(ResidentMemory.of(server.process.pid))
                for _ in 0..<30 where settled > resting + resting / 2 {
                    try await Task.sleep(for: .seconds(1))
                    settled = try #require(ResidentMemory.of(server.process.pid))
                }
                after.append(settled)
            }
            let mebibytes = { (bytes: Int) in String(format: "%.1f", Double(bytes) / 1_048_576) }
            print("floods of 4000: resting \(mebibytes(resting)) MiB; during \(during.map(mebibytes)) MiB; after \(after.map(mebibytes)) MiB")
            for value in during + after { #expect(value <= 150 * 1_048_576, "\(mebibytes(value)) MiB") }
            for value in after.dropFirst() {
                #expect(abs(value - after[0]) <= after[0] / 10, "after \(mebibytes(value)) MiB against \(mebibytes(after[0])) MiB after the first")
            }
            #expect(after.allSatisfy { $0 <= resting + resting / 2 }, "back near the resting size once each flood has gone")
            #expect(try await database.count("callback_receipts") == 0)
        }
    }

    @Test("a client sending a byte a second past REQUEST_READ_TIMEOUT is cut off and its receipt is not stored")
    func slowerThanTheDeadline() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending)
            let server = try await RunningGateway.start(database: database, environment: ["REQUEST_READ_TIMEOUT": "3"])
            defer { server.stop() }
            let body = "status=0&reference=\(id.uuidString)"
            let client = try RawTCPClient(port: server.port)
            client.send("POST /notifications/sms/firetext HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
            let started = ContinuousClock.now
            var sent = 0
            for character in body {
                guard client.send(String(character)) else { break }
                sent += 1
                try await Task.sleep(for: .seconds(1))
            }
            let cutOff = ContinuousClock.now - started
            #expect(sent < body.count, "cut off after \(sent) of \(body.count) bytes")
            #expect(cutOff < .seconds(10), "within about the deadline: \(cutOff)")
            let closed = await client.waitForClose(upTo: .seconds(5))
            #expect(closed.closed)
            #expect(try await database.count("callback_receipts") == 0)
            #expect(try await database.notification(id)?.status == .sending)
            print("a byte a second: cut off after \(sent) of \(body.count) bytes, \(cutOff) after the first")
        }
    }

    /// `/_status` timed, then 50 Firetext receipts for seeded notifications, one after another, each timed; every
    /// one must be answered 200 (applied) within its bound. Returns the figures for the docs.
    static func honestTraffic(to server: RunningGateway, database: TestDatabase) async throws -> String {
        var statusTimes: [Duration] = []
        for _ in 0..<5 {
            let started = ContinuousClock.now
            #expect(try await server.get("/_status").0 == 200)
            statusTimes.append(ContinuousClock.now - started)
        }
        #expect(statusTimes.allSatisfy { $0 < .milliseconds(100) }, "liveness: \(statusTimes)")
        var receiptTimes: [Duration] = []
        for _ in 0..<50 {
            let id = try await database.insertNotification(status: .sending)
            let started = ContinuousClock.now
            let (status, answer) = try await server.post("/notifications/sms/firetext", "status=0&reference=\(id.uuidString)")
            receiptTimes.append(ContinuousClock.now - started)
            #expect(status == 200, "\(answer)")
            #expect(answer.contains(#""outcome":"applied""#))
        }
        #expect(receiptTimes.allSatisfy { $0 < .seconds(1) }, "receipts: \(receiptTimes)")
        let sorted = receiptTimes.sorted()
        let milliseconds = { (duration: Duration) in String(format: "%.1f ms", Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000) }
        return "liveness at most \(milliseconds(statusTimes.max()!)); 50 receipts applied, p50 \(milliseconds(sorted[24])), p99 \(milliseconds(sorted[49]))"
    }
}
