import CallbackCore
import CallbackServer
import Foundation
import Synchronization
import Testing
import TestSupport

/// How the sender looks up a callback host: once for many sends, again when the answer is old or its address did not
/// answer. A resolver of the test's own names `callbacks.test` (the real sends go to the Python receiver of
/// ``ServiceCallbackSenderTests``), and counts how often it is asked.
@Suite("ServiceCallbackSender host lookups")
struct ServiceCallbackSenderResolutionTests {
    /// A resolver giving the next of `answers` for each lookup (the last one again past the end), counting lookups.
    final class ScriptedResolver: Sendable {
        private let state: Mutex<(answers: [[IPAddress]], lookups: [String])>

        init(_ answers: [String]...) {
            state = Mutex((answers.map { $0.compactMap { IPAddress($0) } }, []))
        }

        var lookups: [String] { state.withLock { $0.lookups } }

        func lookup(_ host: String) -> [IPAddress] {
            state.withLock { state in
                state.lookups.append(host)
                return state.answers.count > 1 ? state.answers.removeFirst() : state.answers.first ?? []
            }
        }
    }

    static func request(_ receiver: Receiver, host: String = "callbacks.test") -> ServiceCallbackRequest {
        ServiceCallbackSenderTests.request("http://\(host):\(receiver.port)/hooks/lookups")
    }

    /// How long an answer is kept is the cache's to test (``ResolvedHostCacheTests``, with the time given); here the
    /// default lifetime, 30 s, outlasts the sends however slow the machine.
    @Test("many sends look the host up once, whatever the case of its name")
    func lookedUpOnce() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true)) { receiver in
            let resolver = ScriptedResolver(["127.0.0.1"])
            let sender = try ServiceCallbackSender(
                policy: ServiceCallbackSenderTests.open, timeout: ServiceCallbackSenderTests.generous, lookup: resolver.lookup
            )
            for host in ["callbacks.test", "CALLBACKS.test", "callbacks.test", "Callbacks.Test"] {
                #expect(await sender.send(Self.request(receiver, host: host)) == .accepted(status: 200))
            }
            #expect(resolver.lookups == ["callbacks.test"], "one lookup for four sends")
            #expect(try await receiver.requests(count: 4).count == 4)
            await sender.shutdown()
        }
    }

    @Test("with a lifetime of zero, every send looks the host up")
    func lifetimeZero() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true)) { receiver in
            let resolver = ScriptedResolver(["127.0.0.1"])
            let sender = try ServiceCallbackSender(
                policy: ServiceCallbackSenderTests.open, timeout: ServiceCallbackSenderTests.generous,
                addressLifetime: .zero, lookup: resolver.lookup
            )
            for _ in 0..<3 {
                #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            }
            #expect(resolver.lookups.count == 3)
            await sender.shutdown()
        }
    }

    @Test("an address that does not answer is forgotten: the next send looks the host up and reaches its new address")
    func forgottenWhenUnanswered() async throws {
        try await Receiver.with(.init(status: 200, keepAlive: true)) { receiver in
            // The receiver listens on 127.0.0.1 only: 127.0.0.2 refuses the connection, as a service that moved does.
            let resolver = ScriptedResolver(["127.0.0.2"], ["127.0.0.1"])
            let sender = try ServiceCallbackSender(
                policy: ServiceCallbackSenderTests.open, timeout: ServiceCallbackSenderTests.generous, lookup: resolver.lookup
            )
            #expect(await sender.send(Self.request(receiver)) == .retryable(status: nil, retryAfter: nil, reason: "connection refused by callbacks.test"))
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(await sender.send(Self.request(receiver)) == .accepted(status: 200))
            #expect(resolver.lookups.count == 2, "looked up again after the refusal, then kept")
            await sender.shutdown()
        }
    }

    @Test("the addresses are checked at every send, kept or not: a name the policy refuses is refused each time")
    func checkedEveryTime() async throws {
        try await Receiver.with(.init(status: 200)) { receiver in
            let resolver = ScriptedResolver(["127.0.0.1"])
            let sender = try ServiceCallbackSender(
                policy: ServiceCallbackSenderTests.strict, timeout: ServiceCallbackSenderTests.generous, lookup: resolver.lookup
            )
            let https = ServiceCallbackSenderTests.request("https://callbacks.test:\(receiver.port)/hooks/lookups")
            for _ in 0..<2 {
                guard case .blocked(let reason) = await sender.send(https) else {
                    Issue.record("a name that resolves to loopback is blocked")
                    continue
                }
                #expect(reason.contains("callbacks.test"), "\(reason)")
            }
            #expect(resolver.lookups.count == 1, "the answer was kept, and checked again at the second send")
            #expect(receiver.connections == 0, "nothing reached the receiver")
        }
    }
}
