import CallbackServer
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Testing
import TestSupport

/// The StatsD backend, checked against a real UDP socket on 127.0.0.1: every assertion is about datagrams that
/// actually arrived.
/// A send that blocked on an unreachable or unresolvable StatsD would hang these tests; the time limit turns that
/// into a failure.
@Suite("StatsD client", .timeLimit(.minutes(2)))
struct StatsDClientTests {
    private static func client(
        port: Int,
        host: String = "127.0.0.1",
        prefix: String = "notifications.api",
        flushInterval: Duration = .milliseconds(100),
        maxPacketBytes: Int = 1432,
        resolveInterval: Duration = .seconds(60),
        logs: CapturedLogs = CapturedLogs()
    ) -> StatsDClient {
        StatsDClient(
            configuration: StatsDConfiguration(
                host: host, port: port, prefix: prefix, flushInterval: flushInterval,
                maxPacketBytes: maxPacketBytes, resolveInterval: resolveInterval
            ),
            logger: logs.logger(label: "statsd")
        )
    }

    @Test func sendsCounterTimerAndGaugeWithTheDefaultPrefix() async throws {
        try await UDPListener.withListener { listener in
            let client = Self.client(port: listener.port)
            client.increment("a.b")
            client.timing("t", milliseconds: 12.5)
            client.gauge("g", 3)
            client.flush()
            let lines = await listener.lines(waitingUpTo: .seconds(20)) { $0.count >= 3 }
            #expect(lines == ["notifications.api.a.b:1|c", "notifications.api.t:12.5|ms", "notifications.api.g:3|g"])
            #expect(listener.datagrams.count == 1)
        }
    }

    @Test(arguments: [
        ("", "a.b:1|c"),
        ("custom.prefix", "custom.prefix.a.b:1|c"),
        ("custom.", "custom.a.b:1|c"),
    ])
    func prefixesEveryName(prefix: String, expected: String) async throws {
        try await UDPListener.withListener { listener in
            let client = Self.client(port: listener.port, prefix: prefix)
            client.increment("a.b")
            client.flush()
            let lines = await listener.lines(waitingUpTo: .seconds(20)) { !$0.isEmpty }
            #expect(lines == [expected])
        }
    }

    @Test func formatsValuesWithoutExponentsOrTrailingZeros() async throws {
        try await UDPListener.withListener { listener in
            let client = Self.client(port: listener.port, prefix: "")
            client.increment("n", by: 42)
            client.timing("t1", milliseconds: 0.125)
            client.timing("t2", milliseconds: 3)
            client.timing("t3", milliseconds: 1.23456)
            client.timing("t4", milliseconds: 0.00001)
            client.gauge("big", 1e20)
            client.gauge("nan", .nan)
            client.gauge("inf", .infinity)
            client.timing("ninf", milliseconds: -.infinity)
            client.gauge("neg", -2.5)
            client.increment("bad name:|x")
            client.flush()
            let lines = await listener.lines(waitingUpTo: .seconds(20)) { $0.count >= 9 }
            #expect(lines == [
                "n:42|c", "t1:0.125|ms", "t2:3|ms", "t3:1.235|ms", "t4:0|ms", "big:100000000000000000000|g",
                // StatsD reads a signed gauge as a change, so a negative value is a reset then the value.
                "neg:0|g", "neg:-2.5|g",
                "bad_name__x:1|c",
            ])
        }
    }

    @Test(arguments: [1432, 120])
    func packsManyLinesIntoBoundedDatagramsWithoutLosingAny(maxPacketBytes: Int) async throws {
        try await UDPListener.withListener { listener in
            let client = Self.client(port: listener.port, maxPacketBytes: maxPacketBytes)
            let expected = (0..<500).map { "notifications.api.line.\($0):1|c" }
            for index in 0..<500 { client.increment("line.\(index)") }
            client.flush()
            let lines = await listener.lines(waitingUpTo: .seconds(20)) { $0.count >= 500 }
            #expect(lines.count == 500)
            #expect(Set(lines) == Set(expected))
            let datagrams = listener.datagrams
            #expect(datagrams.allSatisfy { $0.utf8.count <= maxPacketBytes })
            #expect(datagrams.count > 1 && datagrams.count < 500)
            #expect(datagrams.allSatisfy { !$0.hasPrefix("\n") && !$0.hasSuffix("\n") && !$0.contains("\n\n") })
        }
    }

    @Test func sendsALineLongerThanAPacketOnItsOwn() async throws {
        try await UDPListener.withListener { listener in
            let client = Self.client(port: listener.port, prefix: "", maxPacketBytes: 40)
            let long = String(repeating: "x", count: 60)
            client.increment("a")
            client.increment(long)
            client.increment("b")
            client.flush()
            let lines = await listener.lines(waitingUpTo: .seconds(20)) { $0.count >= 3 }
            #expect(lines == ["a:1|c", "\(long):1|c", "b:1|c"])
            #expect(listener.datagrams == ["a:1|c", "\(long):1|c", "b:1|c"])
        }
    }

    @Test func runFlushesOnItsOwnAndReturnsWhenCancelled() async throws {
        try await UDPListener.withListener { listener in
            let client = Self.client(port: listener.port, flushInterval: .milliseconds(50))
            let running = Task { try await client.run() }
            let started = ContinuousClock.now
            client.increment("tick")
            let lines = await listener.lines(waitingUpTo: .seconds(20)) { !$0.isEmpty }
            #expect(lines == ["notifications.api.tick:1|c"])
            #expect(ContinuousClock.now - started < .seconds(15), "flushed by run() itself, not by the wait")

            running.cancel()
            let stopped = ContinuousClock.now
            try await running.value
            #expect(ContinuousClock.now - stopped < .seconds(15))
        }
    }

    @Test func runFlushesOnceMoreAndReturnsOnGracefulShutdown() async throws {
        try await UDPListener.withListener { listener in
            // A flush interval far longer than the test: only the final flush can deliver the line.
            let client = Self.client(port: listener.port, flushInterval: .seconds(600))
            let group = ServiceGroup(configuration: .init(services: [client], logger: Logger(label: "test")))
            let running = Task { try await group.run() }
            try await Task.sleep(for: .milliseconds(50))
            client.increment("last")
            let stopped = ContinuousClock.now
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(ContinuousClock.now - stopped < .seconds(15))
            let lines = await listener.lines(waitingUpTo: .seconds(20)) { !$0.isEmpty }
            #expect(lines == ["notifications.api.last:1|c"])
        }
    }

    @Test func factoryMapsSwiftMetricsToStatsDTypes() async throws {
        try await UDPListener.withListener { listener in
            let client = Self.client(port: listener.port)
            let factory = StatsDMetricsFactory(client: client)
            Counter(label: "x", factory: factory).increment()
            FloatingPointCounter(label: "fx", factory: factory).increment(by: 0.25)
            Timer(label: "timer", factory: factory).recordNanoseconds(12_500_000)
            let meter = Meter(label: "meter", factory: factory)
            meter.set(3)
            meter.increment(by: 2)
            meter.decrement(by: 6)
            Recorder(label: "size", factory: factory).record(7)
            Recorder(label: "level", aggregate: false, factory: factory).record(1.5)
            Gauge(label: "gauge", factory: factory).record(4)
            Counter(label: "y", dimensions: [("Method", "POST"), ("path", "/a/../b")], factory: factory).increment()
            client.flush()
            let lines = await listener.lines(waitingUpTo: .seconds(20)) { $0.count >= 11 }
            #expect(lines == [
                "notifications.api.x:1|c",
                "notifications.api.fx:0.25|c",
                "notifications.api.timer:12.5|ms",
                "notifications.api.meter:3|g",
                "notifications.api.meter:5|g",
                "notifications.api.meter:0|g", "notifications.api.meter:-1|g",
                "notifications.api.size:7|ms",
                "notifications.api.level:1.5|g",
                "notifications.api.gauge:4|g",
                "notifications.api.y.method_post.path_a_b:1|c",
            ])
        }
    }

    @Test func anUnreachableServerCostsNothing() async throws {
        let logs = CapturedLogs()
        let client = Self.client(port: try UDPListener.closedPort(), logs: logs)
        for index in 0..<10_000 {
            client.increment("unreachable.\(index % 10)")
            client.timing("unreachable.time", milliseconds: Double(index) / 8)
            if index % 10 == 0 { client.flush() }
        }
        client.flush()
        #expect(logs.all.filter { $0.level == .warning }.count <= 1)
    }

    @Test func sendFailuresAreDroppedWithOneWarningAMinute() async throws {
        let logs = CapturedLogs()
        // Linux refuses a datagram to port 0 at once (EINVAL): every send below fails.
        let client = Self.client(port: 0, logs: logs)
        for index in 0..<10_000 {
            client.increment("refused.\(index)")
            client.flush()
        }
        let warnings = logs.all.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("dropped") == true)
    }

    @Test func aHostThatDoesNotResolveDropsMetricsQuietly() async throws {
        let logs = CapturedLogs()
        let client = Self.client(
            port: 8125, host: "statsd.invalid", flushInterval: .milliseconds(10), resolveInterval: .milliseconds(20), logs: logs
        )
        let running = Task { try await client.run() }
        for index in 0..<1_000 {
            client.increment("dropped.\(index)")
            client.gauge("dropped", Double(index))
        }
        client.flush()
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while !logs.all.contains(where: { $0.message.contains("does not resolve") }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(logs.all.contains { $0.level == .warning && $0.line.contains("statsd.invalid") })
        running.cancel()
        try await running.value
    }

    @Test func resolvesAHostNameAndKeepsSendingWhileReResolving() async throws {
        try await UDPListener.withListener { listener in
            let client = Self.client(
                port: listener.port, host: "localhost", flushInterval: .milliseconds(10),
                resolveInterval: .milliseconds(20)
            )
            let running = Task { try await client.run() }
            // The name is resolved on a background thread: send until the first line gets through.
            let deadline = ContinuousClock.now.advanced(by: .seconds(5))
            while listener.lines.isEmpty, ContinuousClock.now < deadline {
                client.increment("resolved")
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(listener.lines.first == "notifications.api.resolved:1|c")
            try await Task.sleep(for: .milliseconds(100))
            client.increment("after")
            let lines = await listener.lines(waitingUpTo: .seconds(20)) { $0.contains("notifications.api.after:1|c") }
            #expect(lines.contains("notifications.api.after:1|c"))
            running.cancel()
            try await running.value
        }
    }
}
