import CoreMetrics
import Synchronization

/// The floating-point counter handler of ``StatsDMetricsFactory`` (`|c` with up to three decimals).
final class StatsDFloatingPointCounter: FloatingPointCounterHandler, Sendable {
    private let name: String
    private let client: StatsDClient

    init(name: String, client: StatsDClient) {
        self.name = name
        self.client = client
    }

    func increment(by amount: Double) {
        guard let value = StatsDLine.value(amount) else { return }
        client.append(StatsDLine.line(name, value, .counter))
    }

    func reset() {}
}
