import CoreMetrics
import Synchronization

/// The meter handler of ``StatsDMetricsFactory``: the current value as a gauge (`|g`).
final class StatsDMeter: MeterHandler, Sendable {
    private let name: String
    private let client: StatsDClient
    private let value = Mutex<Double>(0)

    init(name: String, client: StatsDClient) {
        self.name = name
        self.client = client
    }

    func set(_ value: Int64) { update { $0 = Double(value) } }
    func set(_ value: Double) { update { $0 = value } }
    func increment(by amount: Double) { update { $0 += amount } }
    func decrement(by amount: Double) { update { $0 -= amount } }

    /// Changes and sends under one lock, so concurrent changes reach the server in the order they were made.
    private func update(_ change: (inout Double) -> Void) {
        value.withLock { current in
            var next = current
            change(&next)
            guard let text = StatsDLine.value(next) else { return }
            current = next
            client.append(StatsDLine.gauge(name, text))
        }
    }
}
