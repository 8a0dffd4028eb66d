import NIOCore
import Prometheus

/// The series kept in memory for `GET /metrics`: swift-prometheus's registry, and the swift-metrics factory that
/// writes into it.
///
/// One per application (and per test), never the library's global default registry, so that two gateways in one
/// process (as in the tests) do not mix their series.
public struct PrometheusMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory whose counters, gauges and timers are the registry's series.
    let factory: PrometheusMetricsFactory

    /// The buckets of every latency histogram, in seconds. From 1 ms, because a receipt's database operation takes
    /// a few milliseconds and a coarser first bucket would hide whether it is 1 or 4, up to 10 s, the longest a
    /// statement may run before it is cancelled (`DATABASE_STATEMENT_TIMEOUT`'s default).
    public static let latencyBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// Creates an empty registry.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.factory = factory
    }

    /// Every series in Prometheus's text format (version 0.0.4).
    func exposition() -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * 1024)
        registry.emit(into: &bytes)
        return ByteBuffer(bytes: bytes)
    }
}
