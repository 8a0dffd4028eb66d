import Metrics
import Foundation

/// The gateway's metrics, written through swift-metrics to whichever factory is configured (StatsD, or nothing).
///
/// The factory is passed in rather than bootstrapped globally, so that each application (and each test) has its own.
public struct GatewayMetrics: Sendable {
    private let factory: any MetricsFactory

    /// Metrics that go nowhere, for when `STATSD_HOST` is unset.
    public static let disabled = GatewayMetrics(factory: NOOPMetricsHandler.instance)

    /// Creates metrics on a factory.
    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Adds one to a counter.
    public func increment(_ name: String) {
        Counter(label: name, factory: factory).increment()
    }

    /// Adds `amount` to a counter.
    public func increment(_ name: String, by amount: Int) {
        guard amount > 0 else { return }
        Counter(label: name, factory: factory).increment(by: amount)
    }

    /// Sets a gauge to `value`.
    public func gauge(_ name: String, _ value: Int) {
        Gauge(label: name, factory: factory).record(value)
    }

    /// Counts one run of something and records how long it took, under one name (`name:1|c`, `name:<ms>|ms`).
    public func ran(_ name: String, for elapsed: Duration) {
        increment(name)
        Timer(label: name, factory: factory).recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        )
    }

    /// Records a duration in milliseconds.
    public func timing(_ name: String, milliseconds: Double) {
        // Beyond about 30 years the value is bad data (a sent_at in another century), and beyond 292 years it
        // would not fit the nanoseconds swift-metrics counts in.
        guard milliseconds.isFinite, milliseconds >= 0, milliseconds < 1e12 else { return }
        Timer(label: name, factory: factory).recordNanoseconds(Int64(milliseconds * 1_000_000))
    }

    /// Counts and times `body` under one name, as the statsd decorator of the system this gateway replaces did:
    /// `name:1|c` and `name:<ms>|ms`, whether the call succeeds or throws.
    public func measured<T, E: Error>(_ name: String, _ body: () async throws(E) -> T) async throws(E) -> T {
        let started = ContinuousClock.now
        defer { ran(name, for: ContinuousClock.now - started) }
        return try await body()
    }
}
