import CallbackCore
import CallbackStore
import Logging
import ServiceLifecycle

/// The background service that applies `waiting` receipts again with back-off until their notification is in
/// flight, and orphans them once the schedule gives up.
///
/// Every replica runs one; the store hands each due receipt to exactly one of them.
public struct WaitingReceiptRetrier: Service {
    private let store: any ReceiptStore
    private let interpreter: ReceiptInterpreter
    private let configuration: GatewayConfiguration
    private let logger: Logger
    private let metrics: GatewayMetrics
    private let receiptLog = ReceiptLog()

    /// Creates the retrier.
    public init(
        store: any ReceiptStore,
        interpreter: ReceiptInterpreter,
        configuration: GatewayConfiguration,
        logger: Logger,
        metrics: GatewayMetrics = .disabled
    ) {
        self.store = store
        self.interpreter = interpreter
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    /// Polls until the service group shuts down. A database outage is logged (at most twice a minute) and waited
    /// out.
    public func run() async throws {
        var lastWarning: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await metrics.measured(job: "retry_waiting_receipts") { () async throws in
                    // Batch after batch, keeping nothing: a backlog of millions must not be held in memory. Two
                    // batches run at once so that one is applied while the other travels; each claims its own
                    // receipts (`SKIP LOCKED`), and a receipt whose earlier one for the same notification is in the
                    // other batch waits behind it as usual.
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<2 {
                            group.addTask { while try await retryDueBatch().count >= configuration.retryBatchSize {} }
                        }
                        try await group.waitForAll()
                    }
                }
            } catch {
                if lastWarning.map({ ContinuousClock.now - $0 >= .seconds(30) }) ?? true {
                    logger.warning("could not retry waiting receipts; will keep trying", metadata: ["error": "\(error)"])
                    lastWarning = .now
                }
            }
            let interval = Duration.milliseconds(Int(configuration.retryPollInterval * 1000))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Retries one batch of the receipts that are due now, logs and counts each, and returns them.
    @discardableResult
    public func retryDueBatch() async throws(DatabaseError) -> [RetriedReceipt] {
        let batch = try await store.retryWaiting(
            limit: configuration.retryBatchSize,
            schedule: configuration.retrySchedule,
            interpret: interpreter.storedReceiptReader
        )
        for retried in batch {
            receiptLog.retried(retried, logger: logger)
            ReceiptMetrics(metrics: metrics).retried(retried.stored.provider, retried.result)
        }
        return batch
    }

    /// Retries every receipt that is due now, batch after batch, and returns what each retry did. For a small
    /// number of due receipts (the background service does not keep them).
    public func drainDue() async throws(DatabaseError) -> [RetriedReceipt] {
        var all: [RetriedReceipt] = []
        while true {
            let batch = try await retryDueBatch()
            all += batch
            if batch.count < configuration.retryBatchSize { return all }
        }
    }
}
