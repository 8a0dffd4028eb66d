import CallbackCore
import CallbackStore
import Foundation
import Metrics

/// The gateway's Prometheus series: one name per kind of event, with labels whose values all come from fixed sets,
/// so that no request, however odd, adds a series (see docs/metrics.md for every name).
///
/// Recording goes through swift-metrics, whose factory here is swift-prometheus's. When Prometheus is off the factory
/// is absent and every method returns at once, so a gateway without `/metrics` does no work for it.
public struct MetricSeries: Sendable {
    private let factory: (any MetricsFactory)?

    /// Series that record nothing.
    public static let disabled = MetricSeries(factory: nil)

    /// Creates series on a factory, or none.
    init(factory: (any MetricsFactory)?) {
        self.factory = factory
    }

    /// Whether anything is recorded: callers skip working out labels when it is not.
    var isRecording: Bool { factory != nil }

    /// A receipt's outcome: `callback_receipts_total{provider, outcome, status}`. `status` is the status written
    /// when the receipt changed its notification, and `none` otherwise.
    func receipt(_ provider: Provider, outcome: String, status: NotificationStatus?) {
        guard let factory else { return }
        Counter(label: "callback_receipts_total", dimensions: [
            ("provider", provider.rawValue), ("outcome", outcome), ("status", status?.rawValue ?? "none"),
        ], factory: factory).increment()
    }

    /// One request answered: `http_requests_total` and `http_request_duration_seconds`, both by route, method and
    /// status, with each label already reduced to its fixed set.
    func request(route: String, method: String, status: String, took elapsed: Duration) {
        guard let factory else { return }
        let labels = [("route", route), ("method", method), ("status", status)]
        Counter(label: "http_requests_total", dimensions: labels, factory: factory).increment()
        Timer(label: "http_request_duration_seconds", dimensions: labels, factory: factory)
            .recordNanoseconds(Self.nanoseconds(elapsed))
    }

    /// One database operation: `database_operation_duration_seconds{operation}` (its `_count` counts them). The
    /// operation is a name written in the code, never a value from a request.
    func databaseOperation(_ operation: String, took elapsed: Duration) {
        guard let factory else { return }
        Timer(label: "database_operation_duration_seconds", dimensions: [("operation", operation)], factory: factory)
            .recordNanoseconds(Self.nanoseconds(elapsed))
    }

    /// One run of a job or background task: `callback_job_runs_total{job}`.
    func jobRan(_ job: String) {
        guard let factory else { return }
        Counter(label: "callback_job_runs_total", dimensions: [("job", job)], factory: factory).increment()
    }

    /// A service callback settled: `service_callbacks_total{type,result}`, the result `sent`, `retried`, `failed` or
    /// `dead` (both fixed sets).
    func serviceCallback(_ type: String, _ result: String) {
        guard let factory else { return }
        Counter(label: "service_callbacks_total", dimensions: [("type", type), ("result", result)], factory: factory).increment()
    }

    /// A client connection closed by the gateway: `http_connections_closed_total{reason}`, `evicted` (the table was
    /// full and it had waited longest for its request) or `refused` (the table was full of connections being
    /// answered).
    func connectionClosed(reason: String) {
        guard let factory else { return }
        Counter(label: "http_connections_closed_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// The waiting receipts as last read: `callback_waiting_receipts` and
    /// `callback_oldest_waiting_receipt_age_seconds` (0 when none waits), the age counted up to `now`.
    func waitingBacklog(_ backlog: WaitingBacklog, now: Date) {
        guard let factory else { return }
        Gauge(label: "callback_waiting_receipts", factory: factory).record(backlog.count)
        let age = backlog.oldestReceivedAt.map { max(now.timeIntervalSince($0), 0) } ?? 0
        Gauge(label: "callback_oldest_waiting_receipt_age_seconds", factory: factory).record(age)
    }

    /// swift-metrics' timers take nanoseconds.
    private static func nanoseconds(_ elapsed: Duration) -> Int64 {
        let (seconds, attoseconds) = elapsed.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole + attoseconds / 1_000_000_000
    }
}
