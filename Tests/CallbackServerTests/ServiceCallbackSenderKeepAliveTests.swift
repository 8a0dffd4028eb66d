import CallbackCore
import CallbackServer
import Foundation
import Testing
import TestSupport

/// Kept-alive callback connections, against the Python receiver of ``ServiceCallbackSenderTests`` in its keep-alive
/// mode: it counts the connections made to it and reports who closed one, so reuse is seen from the service's side.
@Suite("ServiceCallbackSender keep-alive")
struct ServiceCallbackSenderKeepAliveTests {
    static let open = ServiceCallbackSenderTests.open
    static let generous = ServiceCallbackSenderTests.generous

    static func request(_ receiver: Receiver, host: String = "127.0.0.1", scheme: String = "http") -> ServiceCallbackRequest {
        ServiceCallbackSenderTests.request("\(scheme)://\(host):\(receiver.port)/hooks/keep-alive")
    }

    @Test("20 sequential sends use one connection, and no request asks to close it")
    func sequential() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            for _ in 0..<20 {
                #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            }
            let requests = try await receiver.requests(count: 20)
            #expect(requests.count == 20)
            #expect(requests.allSatisfy { $0.headers["connection"] == nil })
            #expect(receiver.connections == 1)
            #expect(sender.idleConnections == 1)
            // Shut down: the idle connection is closed, and a send still works, on a connection it does not keep.
            await sender.shutdown()
            #expect(sender.idleConnections == 0)
            #expect(try await receiver.wait(for: "closed-by-client"))
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(receiver.connections == 2)
            #expect(try await receiver.wait(for: "closed-by-client", count: 2))
            #expect(sender.idleConnections == 0)
        }
    }

    @Test("an answer saying Connection: close, or in HTTP/1.0, is not reused even when the service keeps it open", arguments: [
        (["Connection": "close"], "HTTP/1.1"),
        ([:], "HTTP/1.0"),
    ])
    func notReused(headers: [String: String], version: String) async throws {
        try await Receiver.with(.init(status: 200, headers: headers, keepAlive: true, version: version)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(receiver.connections == 2)
            #expect(try await receiver.wait(for: "closed-by-client", count: 2))
            #expect(sender.idleConnections == 0)
        }
    }

    @Test("a service that closes an idle connection: it leaves the pool, and the next send is on a new one")
    func closedByService() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true, idleClose: 0.2)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(try await receiver.wait(for: "closed-by-server"))
            // The sender sees the close and drops the connection without being asked to send.
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while sender.idleConnections > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(sender.idleConnections == 0)
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(receiver.connections == 2)
            #expect(try await receiver.requests(count: 2).count == 2)
        }
    }

    @Test("a kept-alive connection closed as the request arrives: sent again once, on a new connection, and accepted")
    func staleRetried() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true, script: ["ok", "hangup", "ok"])) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            let requests = try await receiver.requests(count: 3)
            #expect(requests.count == 3)
            // The repeat carries the same idempotency key, so the service can drop it.
            #expect(Set(requests.map { $0.headers["idempotency-key"] }).count == 1)
            #expect(receiver.connections == 2)
            #expect(receiver.count("hung-up") == 1)
        }
    }

    @Test("the retry is once: a new connection that fails too is answered as it failed")
    func staleRetriedOnce() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true, script: ["ok", "hangup", "hangup", "ok"])) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            let answer = await sender.send(Self.request(receiver))
            #expect(answer == .retryable(status: nil, retryAfter: nil, reason: "127.0.0.1 closed the connection without answering"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.count("request") == 3)
            #expect(receiver.connections == 2)
        }
    }

    @Test("a new connection closed without an answer is not sent again")
    func newConnectionNotRetried() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true, script: ["hangup", "ok"])) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            let answer = await sender.send(Self.request(receiver))
            #expect(answer == .retryable(status: nil, retryAfter: nil, reason: "127.0.0.1 closed the connection without answering"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.count("request") == 1)
            #expect(receiver.connections == 1)
        }
    }

    @Test("an idle connection is closed by the sender after the idle time")
    func idleTimeout() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true)) { receiver in
            // Long enough that the connection is surely still idle when looked at just after the send, on a machine
            // busy with the whole suite (300 ms was not); short enough for the wait below.
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous, idleTimeout: .seconds(3))
            let started = ContinuousClock.now
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(sender.idleConnections == 1)
            #expect(try await receiver.wait(for: "closed-by-client", upTo: .seconds(30)))
            #expect(ContinuousClock.now - started >= .milliseconds(2_900), "\(ContinuousClock.now - started)")
            #expect(sender.idleConnections == 0)
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(receiver.connections == 2)
        }
    }

    @Test("a reused connection whose send is cancelled, or times out, is closed and not reused", arguments: [true, false])
    func abandoned(cancel: Bool) async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true, script: ["ok", "stall", "ok"])) { receiver in
            // 5 s: the first answer must arrive within it, also on a machine busy with the whole suite.
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: cancel ? Self.generous : .seconds(5))
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            let task = Task { await sender.send(Self.request(receiver)) }
            if cancel {
                _ = try await receiver.requests(count: 2)
                task.cancel()
            }
            let answer = await task.value
            #expect(answer == .retryable(
                status: nil, retryAfter: nil, reason: cancel ? "cancelled before 127.0.0.1 answered" : "timed out after 5 s waiting for 127.0.0.1"
            ))
            #expect(try await receiver.wait(for: "closed-by-client"))
            #expect(sender.idleConnections == 0)
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(receiver.connections == 2)
            #expect(receiver.count("request") == 3)
        }
    }

    @Test("a reused connection whose answer trickles its body: accepted at the head, closed at the time limit, not reused")
    func trickledBody() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true, script: ["ok", "trickle"])) { receiver in
            // 5 s: each answer's head must arrive within it, also on a machine busy with the whole suite.
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: .seconds(5))
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            // The second send reuses the connection; its answer's body never ends.
            let started = ContinuousClock.now
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            // The body would trickle for a day: the close seen within the wait's 15 s is the time limit's. How soon
            // within them the receiver notices depends on how busy the machine is, so only the lower bound is exact.
            #expect(try await receiver.wait(for: "closed-by-client"))
            let closed = ContinuousClock.now - started
            #expect(closed >= .milliseconds(4_800), "closed at the time limit, not before: \(closed)")
            #expect(receiver.connections == 1)
            #expect(sender.idleConnections == 0)
        }
    }

    @Test("another checked address on the same port gets its own connection")
    func perAddress() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true, secondAddress: true)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            #expect(await sender.send(Self.request(receiver, host: "127.0.0.1")) == .accepted(status: 200))
            #expect(await sender.send(Self.request(receiver, host: "127.0.0.2")) == .accepted(status: 200))
            #expect(await sender.send(Self.request(receiver, host: "127.0.0.1")) == .accepted(status: 200))
            #expect(await sender.send(Self.request(receiver, host: "127.0.0.2")) == .accepted(status: 200))
            let connections = receiver.events.filter { $0.event == "connection" }.compactMap(\.address)
            #expect(connections.sorted() == ["127.0.0.1", "127.0.0.2"])
            #expect(sender.idleConnections == 2)
        }
    }

    @Test("at most 8 idle connections per address: a burst of 12 leaves 8 open")
    func idleCap() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true, gate: 12)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            // The receiver answers none until all 12 have arrived, so they need 12 connections.
            let answers = await withTaskGroup(of: ServiceCallbackAnswer.self) { group in
                for _ in 0..<12 {
                    group.addTask { await sender.send(Self.request(receiver)) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0 == .accepted(status: 200) }, "\(answers)")
            #expect(receiver.connections == 12)
            #expect(try await receiver.wait(for: "closed-by-client", count: 4))
            try await Task.sleep(for: .milliseconds(200))
            #expect(receiver.count("closed-by-client") == 4)
            #expect(sender.idleConnections == 8)
        }
    }

    @Test("https through a private CA: two sends over one connection, one TLS handshake")
    func tls() async throws {
        let folder = try await ServiceCallbackSenderTests.certificate()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Receiver.with(.init(status: 200, cert: folder + "/cert.pem", key: folder + "/key.pem", keepAlive: true)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous, extraTrustRootsFile: folder + "/cert.pem")
            #expect(await sender.send(Self.request(receiver, host: "localhost", scheme: "https")) == .accepted(status: 200))
            #expect(await sender.send(Self.request(receiver, host: "localhost", scheme: "https")) == .accepted(status: 200))
            #expect(try await receiver.requests(count: 2).count == 2)
            #expect(receiver.connections == 1)
            #expect(receiver.events.filter { $0.event == "sni" }.map(\.name) == ["localhost"])
        }
    }
}
