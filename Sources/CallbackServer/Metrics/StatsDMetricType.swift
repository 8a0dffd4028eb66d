import Foundation

/// The StatsD metric types this gateway sends.
///
/// Histograms (`|h`) and sets (`|s`) are left out on purpose: `|h` is not understood by every server (etsy's
/// statsd ignores it), while `|ms` is aggregated by all of them.
enum StatsDMetricType: String, Sendable {
    /// `|c`: summed per flush by the server.
    case counter = "c"
    /// `|ms`: the server keeps count, mean, percentiles.
    case timer = "ms"
    /// `|g`: the server keeps the last value.
    case gauge = "g"
}
