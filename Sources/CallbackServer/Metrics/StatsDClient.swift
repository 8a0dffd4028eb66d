import Logging
import ServiceLifecycle
import Synchronization

/// Sends counters, timings and gauges to a StatsD server over UDP, fire and forget.
///
/// Metrics must never fail or slow a request, so recording a metric only appends a line to an in-memory buffer
/// under a lock; datagrams go out when the buffer is full, on ``flush()``, and every
/// ``StatsDConfiguration/flushInterval`` while ``run()`` runs. Sending never waits and never throws: a full
/// socket buffer, an unreachable server or a host that does not resolve loses metrics, with a warning at most
/// once a minute, never an error for the caller.
public final class StatsDClient: Service, Sendable {
    private let configuration: StatsDConfiguration
    private let namePrefix: String
    private let buffer: Mutex<StatsDLineBuffer>
    private let socket: UDPSocket
    private let resolver: StatsDAddressResolver
    private let sendFailures: ThrottledWarning

    /// Creates a client and starts resolving the host; it never throws and never waits for DNS.
    ///
    /// An IP literal is usable at once; a host name is resolved on a background thread, and metrics recorded
    /// before that finishes are dropped. Sending to the server starts right away; ``run()`` adds the periodic
    /// flush and re-resolution.
    public init(configuration: StatsDConfiguration, logger: Logger) {
        self.configuration = configuration
        let prefix = configuration.prefix.trimmingDots()
        namePrefix = prefix.isEmpty ? "" : MetricName.wireSafe(prefix) + "."
        buffer = Mutex(StatsDLineBuffer(maxBytes: configuration.maxPacketBytes))
        sendFailures = ThrottledWarning(logger: logger)
        let socket = UDPSocket()
        self.socket = socket
        resolver = StatsDAddressResolver(
            host: configuration.host, port: configuration.port, logger: logger, install: { socket.use($0) }
        )
        resolver.refresh()
    }

    /// Counts `value` occurrences of `name`: `prefix.name:1|c`.
    public func increment(_ name: String, by value: Int64 = 1) {
        append(StatsDLine.line(qualifiedName(name), StatsDLine.value(value), .counter))
    }

    /// Records one duration of `name`, in milliseconds: `prefix.name:12.5|ms`. NaN and infinities are dropped.
    public func timing(_ name: String, milliseconds: Double) {
        guard let value = StatsDLine.value(milliseconds) else { return }
        append(StatsDLine.line(qualifiedName(name), value, .timer))
    }

    /// Sets `name` to `value`: `prefix.name:3|g`. NaN and infinities are dropped.
    public func gauge(_ name: String, _ value: Double) {
        guard let text = StatsDLine.value(value) else { return }
        append(StatsDLine.gauge(qualifiedName(name), text))
    }

    /// Sends what is buffered now, as one datagram.
    public func flush() {
        guard let payload = buffer.withLock({ $0.drain() }) else { return }
        send(payload)
    }

    /// Flushes every flush interval and re-resolves the host every resolve interval, until graceful shutdown or
    /// cancellation; then flushes once more, so that the metrics of the last requests are not lost, and returns.
    public func run() async throws {
        let flushInterval = max(configuration.flushInterval, .milliseconds(1))
        let resolveInterval = configuration.resolveInterval
        await cancelWhenGracefulShutdown { [self] in
            let clock = ContinuousClock()
            var nextResolve = clock.now.advanced(by: resolveInterval)
            while true {
                do { try await Task.sleep(for: flushInterval, clock: clock) } catch { return }
                flush()
                if clock.now >= nextResolve {
                    resolver.refresh()
                    nextResolve = clock.now.advanced(by: resolveInterval)
                }
            }
        }
        flush()
    }

    /// The name as it goes on the wire: prefixed, with anything that would break the line format replaced.
    func qualifiedName(_ name: String) -> String {
        namePrefix + MetricName.wireSafe(name)
    }

    /// Buffers one line (or lines that must share a datagram), sending whatever it pushes out of the buffer.
    func append(_ line: String) {
        let ready = buffer.withLock { $0.append(line) }
        for payload in ready { send(payload) }
    }

    private func send(_ payload: String) {
        guard case .failed(let code) = socket.send(payload) else { return }
        sendFailures.report(
            "StatsD datagrams are being dropped",
            metadata: ["statsd_host": "\(configuration.host)", "statsd_port": "\(configuration.port)", "error": "\(UDPSocket.describe(code))"]
        )
    }
}

private extension String {
    func trimmingDots() -> String {
        var text = Substring(self)
        while text.first == "." { text.removeFirst() }
        while text.last == "." { text.removeLast() }
        return String(text)
    }
}
