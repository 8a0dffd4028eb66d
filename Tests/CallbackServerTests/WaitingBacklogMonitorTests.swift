import CallbackCore
import CallbackStore
import Foundation
import Logging
import Testing
import TestSupport

@testable import CallbackServer

/// The gauges of waiting receipts, set by the monitor from the real store and read back from the exposition.
@Suite("Waiting backlog gauges")
struct WaitingBacklogMonitorTests {
    @Test("the monitor sets the waiting count and the oldest one's age, and follows the backlog as it changes")
    func gauges() async throws {
        try await TestDatabase.with { database in
            let prometheus = PrometheusMetrics()
            let metrics = GatewayMetrics(statsd: nil, prometheus: prometheus)
            let clock = try TestClock("2026-03-01T08:02:00Z")
            let store = MeasuredReceiptStore(database.store, metrics: metrics)
            let harness = try Harness(database: database)
            for _ in 0..<2 {
                let (status, answer) = try await harness.test { client in try await client.firetext(Bodies.firetext(reference: UUID().uuidString, status: "0")) }
                #expect(status == .ok && answer?.outcome == "waiting")
            }
            try await database.query("UPDATE callback_receipts SET received_at = '2026-03-01T08:00:00Z' WHERE outcome = 'waiting'")

            let monitor = WaitingBacklogMonitor(store: store, metrics: metrics, clock: clock, interval: .milliseconds(50), logger: Logger(label: "test"))
            let running = Task { try await monitor.run() }
            defer { running.cancel() }
            let first = try await Self.scrape(prometheus, until: { $0.value("callback_waiting_receipts") == 2 })
            #expect(first.types["callback_waiting_receipts"] == "gauge")
            #expect(first.types["callback_oldest_waiting_receipt_age_seconds"] == "gauge")
            #expect(first.value("callback_oldest_waiting_receipt_age_seconds") == 120)
            #expect((first.value("database_operation_duration_seconds_count", ["operation": "get_waiting_backlog"]) ?? 0) >= 1)

            try await database.query("UPDATE callback_receipts SET outcome = 'orphaned', next_attempt_at = NULL WHERE outcome = 'waiting'")
            let emptied = try await Self.scrape(prometheus, until: { $0.value("callback_waiting_receipts") == 0 })
            #expect(emptied.value("callback_oldest_waiting_receipt_age_seconds") == 0)
        }
    }

    /// The exposition, parsed, once `condition` holds (or after 10 s).
    static func scrape(_ prometheus: PrometheusMetrics, until condition: (PrometheusText) -> Bool) async throws -> PrometheusText {
        let parse = { try PrometheusText(parsing: String(buffer: prometheus.exposition())) }
        return try await poll(every: .milliseconds(20), upTo: .seconds(10)) {
            let text = try parse()
            return condition(text) ? text : nil
        } ?? parse()
    }
}
