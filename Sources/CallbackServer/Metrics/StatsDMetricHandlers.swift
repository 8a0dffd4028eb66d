import CoreMetrics
import Synchronization

// The swift-metrics handlers of ``StatsDMetricsFactory``; each holds its full wire name, so recording a value
// costs one string interpolation and one buffered append.

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
