import CallbackCore
import CallbackStore
import Logging
import ServiceLifecycle

/// The background service that reads the backlog of `waiting` receipts every ``interval`` and sets the Prometheus
/// gauges `callback_waiting_receipts` and `callback_oldest_waiting_receipt_age_seconds`.
///
/// Read on a timer rather than on each scrape, so that a scrape never waits for the database and a database
/// outage leaves the last values in place (logged at most twice a minute) instead of failing the scrape. Runs only
/// when Prometheus is on.
public struct WaitingBacklogMonitor: Service {
    private let store: any ReceiptStore
    private let metrics: GatewayMetrics
    private let clock: any WallClock
    private let interval: Duration
    private let logger: Logger

    /// How often the backlog is read by default: the usual scrape interval, so each scrape sees a fresh value.
    public static let defaultInterval = Duration.seconds(15)

    /// Creates the monitor.
    public init(
        store: any ReceiptStore, metrics: GatewayMetrics, clock: any WallClock = SystemClock(),
        interval: Duration = defaultInterval, logger: Logger
    ) {
        self.store = store
        self.metrics = metrics
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// Reads the backlog at once, then every interval until the service group shuts down.
    public func run() async throws {
        var lastWarning: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let backlog = try await store.waitingBacklog()
                metrics.series.waitingBacklog(backlog, now: clock.now())
            } catch {
                if lastWarning.map({ ContinuousClock.now - $0 >= .seconds(30) }) ?? true {
                    logger.warning("could not read the waiting receipts for the metrics; will keep trying", metadata: ["error": "\(error)"])
                    lastWarning = .now
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
