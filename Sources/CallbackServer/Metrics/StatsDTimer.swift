import CoreMetrics
import Synchronization

/// The timer handler of ``StatsDMetricsFactory`` (`|ms`).
final class StatsDTimer: TimerHandler, Sendable {
    private let name: String
    private let client: StatsDClient

    init(name: String, client: StatsDClient) {
        self.name = name
        self.client = client
    }

    func recordNanoseconds(_ duration: Int64) {
        guard let value = StatsDLine.value(Double(duration) / 1_000_000) else { return }
        client.append(StatsDLine.line(name, value, .timer))
    }
}
