import CoreMetrics

/// Bridges swift-metrics to ``StatsDClient``, so code records metrics with `Counter`, `Timer`, `Meter` and
/// `Recorder` (or `MetricsSystem.bootstrap`) and the lines reach StatsD.
///
/// Mapping, chosen so that every StatsD server (etsy statsd, statsd_exporter, Graphite's, Datadog) understands
/// every line:
/// - `Counter` → `|c`. `reset()` does nothing: StatsD counters are deltas the server sums per flush.
/// - `FloatingPointCounter` → `|c` with up to three decimals (`0.125|c`): StatsD servers parse counter values as
///   decimal numbers, and rounding each increment to an integer would lose small increments for ever.
/// - `Timer` → `|ms`: swift-metrics gives nanoseconds, sent as milliseconds with up to three decimals
///   (12 500 000 ns → `12.5|ms`), i.e. microsecond resolution.
/// - `Meter` → `|g`, the absolute value: the handler keeps the value and sends it after every change, rather
///   than `+1|g`/`-1|g` changes, which not every server supports and which drift once a datagram is lost.
/// - `Recorder(aggregate: false)` (what `Gauge` uses) → `|g`: only the latest value matters.
/// - `Recorder(aggregate: true)` → `|ms`, the value unchanged: the point of an aggregating recorder is a
///   distribution (count, mean, percentiles), and `|ms` is the one type every StatsD server aggregates that way;
///   `|h` is not understood by every server. The unit is whatever the code records; note that statsd_exporter
///   divides `|ms` values by 1000 (it assumes milliseconds and exports seconds).
/// - Dimensions: StatsD has no tags, so each `(key, value)` becomes one more name segment `.key_value`, reduced by
///   ``MetricName/sanitised(_:maxLength:)`` (so a value cannot inject dots, `:` or `|`, and stays bounded). Series
///   that differ only by dimensions therefore stay apart instead of being silently summed together. The label
///   itself keeps its case and dots (see ``StatsDClient``).
/// - `destroy*`: nothing to do, StatsD keeps no per-metric state on the client.
public struct StatsDMetricsFactory: MetricsFactory {
    private let client: StatsDClient

    /// Creates a factory whose metrics are sent by `client`.
    public init(client: StatsDClient) {
        self.client = client
    }

    /// A counter sending `|c`.
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        StatsDCounter(name: name(label, dimensions), client: client)
    }

    /// A floating-point counter sending `|c` with up to three decimals.
    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        StatsDFloatingPointCounter(name: name(label, dimensions), client: client)
    }

    /// A meter sending its absolute value as `|g`; without this, swift-metrics would make it a recorder.
    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        StatsDMeter(name: name(label, dimensions), client: client)
    }

    /// A recorder sending `|ms` when aggregating and `|g` when not (see the type's documentation for why).
    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        StatsDRecorder(name: name(label, dimensions), type: aggregate ? .timer : .gauge, client: client)
    }

    /// A timer sending milliseconds as `|ms`.
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        StatsDTimer(name: name(label, dimensions), client: client)
    }

    /// Nothing to release.
    public func destroyCounter(_ handler: any CounterHandler) {}
    /// Nothing to release.
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    /// Nothing to release.
    public func destroyMeter(_ handler: any MeterHandler) {}
    /// Nothing to release.
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    /// Nothing to release.
    public func destroyTimer(_ handler: any TimerHandler) {}

    /// The full wire name, built once per metric rather than once per value.
    private func name(_ label: String, _ dimensions: [(String, String)]) -> String {
        let segments = dimensions.map { "." + MetricName.sanitised("\($0.0)_\($0.1)") }
        return client.qualifiedName(label + segments.joined())
    }
}
