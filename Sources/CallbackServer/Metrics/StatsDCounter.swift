import CoreMetrics
import Synchronization

/// The counter handler of ``StatsDMetricsFactory`` (`|c`). Like its siblings it holds its full wire name, so
/// recording a value costs one string interpolation and one buffered append.
final class StatsDCounter: CounterHandler, Sendable {
    private let name: String
    private let client: StatsDClient

    init(name: String, client: StatsDClient) {
        self.name = name
        self.client = client
    }

    func increment(by amount: Int64) {
        client.append(StatsDLine.line(name, StatsDLine.value(amount), .counter))
    }

    func reset() {}
}
