import CoreMetrics
import Synchronization

/// The recorder handler of ``StatsDMetricsFactory``: `|g` for gauges, `|ms` for aggregating recorders.
final class StatsDRecorder: RecorderHandler, Sendable {
    private let name: String
    private let type: StatsDMetricType
    private let client: StatsDClient

    init(name: String, type: StatsDMetricType, client: StatsDClient) {
        self.name = name
        self.type = type
        self.client = client
    }

    func record(_ value: Int64) { send(StatsDLine.value(value)) }
    func record(_ value: Double) { send(StatsDLine.value(value)) }

    private func send(_ value: String?) {
        guard let value else { return }
        client.append(type == .gauge ? StatsDLine.gauge(name, value) : StatsDLine.line(name, value, type))
    }
}
