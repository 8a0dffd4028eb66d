import Foundation

/// Stores receipts that arrive together in one transaction, so that one round trip and one commit serve many of
/// them.
///
/// There is no timer. At most half the pool's connections (at least one) run batches at once: the rest stay free
/// for the retrier, set-aside receipts and jobs, and fewer, larger batches cost the database and the gateway less
/// per receipt. A receipt that finds a batch slot and a connection free is stored at once, alone; otherwise receipts
/// gather behind the one job waiting for the next slot, which takes them all (up to
/// ``DatabaseConfiguration/maximumBatchSize``). Batches therefore grow with the load and stay at one when it is
/// light, and no receipt waits for a window to close.
///
/// A batch runs as one pipeline (``PostgresConnection/pipeline(_:_:)``), receipts ordered by the notification they
/// name (in arrival order for the same notification), so two batches take row locks in the same order and
/// receipts for one notification apply in the order they came. Each requester is answered only after the commit
/// that holds its receipt. A statement that fails rolls the batch back; the receipt it belongs to gets the error and
/// the others are run again without it. A receipt whose notification's row another transaction holds locked for
/// longer than ``BatchLockWait`` is set aside with the batch's other receipts for that notification: they wait for
/// the lock on their own, in order, while the rest commit. A lost connection fails the whole batch, which was not
/// committed.
final class ReceiptBatcher: @unchecked Sendable {
    private struct Pending {
        var parameters: [String?]
        var arrival: Int
        var continuation: CheckedContinuation<Result<RecordedReceipt, DatabaseError>, Never>

        /// The notification the receipt names: `$1` (its id) or else `$2` (the provider's reference).
        var notificationKey: String { parameters[0] ?? parameters[1] ?? "" }

        func answer(_ result: Result<RecordedReceipt, DatabaseError>) { continuation.resume(returning: result) }
    }

    /// How often a batch that lost a deadlock or serialization conflict is run again before its receipt fails.
    private static let conflictRetries = 3

    private let workers: DatabaseWorkers
    private let statement: @Sendable ([String?]) -> PreparedStatement
    private let maximumBatchSize: Int
    private let capacity: Int
    private let maximumBatchesInFlight: Int
    private let observer: (@Sendable (Int) -> Void)?
    // Guarded by `lock`.
    private let lock = NSLock()
    private var pending: [Pending] = []
    private var arrivals = 0
    private var drainQueued = false
    /// Batch jobs queued or running; at most ``maximumBatchesInFlight``.
    private var batchesInFlight = 0

    /// - Parameter observer: told the size of every batch run, for metrics and tests.
    /// - Parameter statement: the statement that stores a receipt with the given parameters.
    init(workers: DatabaseWorkers, statement: @escaping @Sendable ([String?]) -> PreparedStatement, observer: (@Sendable (Int) -> Void)?) {
        self.workers = workers
        self.statement = statement
        self.maximumBatchSize = max(workers.configuration.maximumBatchSize, 1)
        self.capacity = max(workers.configuration.maximumQueuedJobs, 1)
        self.maximumBatchesInFlight = max(workers.configuration.poolSize / 2, 1)
        self.observer = observer
    }

    /// Stores one receipt given by its statement's parameters and returns the statement's summary row, once
    /// committed.
    func record(_ parameters: [String?]) async throws(DatabaseError) -> RecordedReceipt {
        if let error = workers.unreachableError() { throw error }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<RecordedReceipt, DatabaseError>, Never>) in
            let (accepted, needsDrain) = lock.withLock { () -> (Bool, Bool) in
                guard pending.count < capacity else { return (false, false) }
                arrivals += 1
                pending.append(Pending(parameters: parameters, arrival: arrivals, continuation: continuation))
                return (true, claimDrainSlot())
            }
            guard accepted else {
                continuation.resume(returning: .failure(.unavailable("\(capacity) receipts are already waiting for the database")))
                return
            }
            if needsDrain { queueDrain() }
        }
        return try result.get()
    }

    /// Receipts waiting for a connection, not yet in a batch.
    var waitingCount: Int { lock.withLock { pending.count } }

    /// Whether a new batch job may be queued for the waiting receipts: none is queued yet and a slot is free. If so,
    /// takes the slot; the caller must then call ``queueDrain()``. Call with `lock` held.
    private func claimDrainSlot() -> Bool {
        guard !pending.isEmpty, !drainQueued, batchesInFlight < maximumBatchesInFlight else { return false }
        drainQueued = true
        batchesInFlight += 1
        return true
    }

    private func queueDrain() {
        guard let refusal = workers.submit({ [self] connection in drain(connection) }) else { return }
        let refused = lock.withLock { () -> [Pending] in
            drainQueued = false
            batchesInFlight -= 1
            defer { pending = [] }
            return pending
        }
        for receipt in refused { receipt.answer(.failure(refusal)) }
    }

    private func drain(_ connection: Result<PostgresConnection, DatabaseError>) {
        let (batch, more) = lock.withLock { () -> ([Pending], Bool) in
            let batch = Array(pending.prefix(maximumBatchSize))
            pending.removeFirst(batch.count)
            drainQueued = false
            return (batch, claimDrainSlot())
        }
        if more { queueDrain() }
        defer {
            // This batch's slot is free again: receipts that gathered meanwhile get the next.
            if lock.withLock({ batchesInFlight -= 1; return claimDrainSlot() }) { queueDrain() }
        }
        guard !batch.isEmpty else { return }
        observer?(batch.count)
        switch connection {
        case .success(let connection):
            run(batch.sorted { ($0.notificationKey, $0.arrival) < ($1.notificationKey, $1.arrival) }, on: connection)
        case .failure(let error):
            for receipt in batch { receipt.answer(.failure(error)) }
        }
    }

    private func run(_ batch: [Pending], on connection: PostgresConnection) {
        var remaining = batch
        var conflicts = 0
        // Set-aside receipts the queue would not take (the gateway is stopping, or too much waits): stored here,
        // once the rest of the batch is answered, rather than refused.
        var unqueued: [Pending] = []
        defer { for receipt in unqueued { run([receipt], on: connection) } }
        while !remaining.isEmpty {
            // A receipt alone holds no lock another receipt needs: it may wait as long as the statement timeout.
            let bounded = remaining.count > 1
            let steps: [PostgresConnection.PipelineStep]
            do throws(DatabaseError) {
                let receipts = remaining.map { PostgresConnection.PipelineCommand.prepared(statement($0.parameters), $0.parameters) }
                steps = try connection.pipeline(bounded ? [.prepared(BatchLockWait.statement, [])] + receipts : receipts)
            } catch {
                for receipt in remaining { receipt.answer(.failure(error)) }
                return
            }
            let receiptSteps = steps.dropFirst(bounded ? 1 : 0)
            if bounded, case .failed(let error) = steps[0] {
                for receipt in remaining { receipt.answer(.failure(error)) }
                return
            }
            guard let failed = receiptSteps.firstIndex(where: { if case .failed = $0 { true } else { false } }),
                  case .failed(let error) = steps[failed]
            else {
                for (receipt, step) in zip(remaining, receiptSteps) {
                    guard case .ran(let rows) = step else { continue }
                    receipt.answer(Result { () throws(DatabaseError) in try RecordedReceipt(rows) })
                }
                return
            }
            let culprit = failed - receiptSteps.startIndex
            // A lost deadlock or serialization conflict is the batch's bad luck, not the receipt's: run it again.
            if error.isConflict && conflicts < Self.conflictRetries {
                conflicts += 1
                continue
            }
            if error.isLockTimeout && bounded {
                // Another transaction holds the notification's row: its receipts wait for it on their own, and the
                // rest of the batch goes ahead without them.
                let key = remaining[culprit].notificationKey
                unqueued += runAlone(remaining.filter { $0.notificationKey == key })
                remaining.removeAll { $0.notificationKey == key }
                continue
            }
            remaining.remove(at: culprit).answer(.failure(error))
        }
    }

    /// Stores receipts for one notification one at a time, in order, on the next free connection, each waiting for
    /// the notification's row lock as long as the statement timeout allows. Returns them if the queue refused them.
    private func runAlone(_ receipts: [Pending]) -> [Pending] {
        let refusal = workers.submit { [self] connection in
            switch connection {
            case .success(let connection):
                for receipt in receipts { run([receipt], on: connection) }
            case .failure(let error):
                for receipt in receipts { receipt.answer(.failure(error)) }
            }
        }
        return refusal == nil ? [] : receipts
    }
}
