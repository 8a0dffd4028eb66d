import Metrics
import Foundation

/// The gateway's metrics, written through swift-metrics to whichever backends are configured: StatsD under the
/// dotted names of the system this gateway replaces, Prometheus under names and labels of its own (``series``),
/// either, both or neither.
///
/// The factories are passed in rather than bootstrapped globally, so that each application (and each test) has its
/// own. The two backends get different names because the StatsD names carry values in their segments
/// (`callback.firetext.delivered`), where Prometheus wants one name with labels.
public struct GatewayMetrics: Sendable {
    private let factory: any MetricsFactory
    /// The labelled series behind `GET /metrics`; they record nothing when Prometheus is off.
    public let series: MetricSeries
    /// The registry `GET /metrics` shows, or `nil` when Prometheus is off (no route, no series kept).
    public let prometheus: PrometheusMetrics?

    /// Metrics that go nowhere, for when neither `STATSD_HOST` nor Prometheus is configured.
    public static let disabled = GatewayMetrics(factory: NOOPMetricsHandler.instance)

    /// Creates metrics on a StatsD-style factory alone.
    public init(factory: any MetricsFactory) {
        self.init(statsd: factory, prometheus: nil)
    }

    /// Creates metrics sent to StatsD through `statsd` (or nowhere when `nil`) and kept for `GET /metrics` in
    /// `prometheus` (or not at all when `nil`).
    public init(statsd: (any MetricsFactory)?, prometheus: PrometheusMetrics?) {
        self.factory = statsd ?? NOOPMetricsHandler.instance
        self.prometheus = prometheus
        self.series = prometheus.map { MetricSeries(factory: $0.factory) } ?? .disabled
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

    /// Counts and times one database operation: `dao.<operation>` in StatsD (`name:1|c` and `name:<ms>|ms`, as the
    /// statsd decorator of the system this gateway replaces did), an observation of
    /// `database_operation_duration_seconds{operation}` in Prometheus; whether the call succeeds or throws.
    public func measured<T, E: Error>(databaseOperation operation: String, _ body: () async throws(E) -> T) async throws(E) -> T {
        try await timed(body) { elapsed in
            ran("dao.\(operation)", for: elapsed)
            series.databaseOperation(operation, took: elapsed)
        }
    }

    /// Counts and times one run of a job or background task: `tasks.<job>` in StatsD,
    /// `callback_job_runs_total{job}` in Prometheus; whether the run succeeds or throws.
    public func measured<T, E: Error>(job: String, _ body: () async throws(E) -> T) async throws(E) -> T {
        try await timed(body) { elapsed in jobRan(job, for: elapsed) }
    }

    /// A job ran for `elapsed`: `tasks.<job>` in StatsD, `callback_job_runs_total{job}` in Prometheus.
    public func jobRan(_ job: String, for elapsed: Duration) {
        ran("tasks.\(job)", for: elapsed)
        series.jobRan(job)
    }

    /// Runs `body` and hands how long it took to `record`, whether it returns or throws.
    private func timed<T, E: Error>(_ body: () async throws(E) -> T, then record: (Duration) -> Void) async throws(E) -> T {
        let started = ContinuousClock.now
        defer { record(ContinuousClock.now - started) }
        return try await body()
    }
}
