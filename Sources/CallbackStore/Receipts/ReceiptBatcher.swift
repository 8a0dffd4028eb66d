import Foundation

/// Stores receipts that arrive together in one transaction, so that one round trip and one commit serve many of
/// them.
///
/// ```
/// requests ──► record(writes) ──► pending groups ──► a free batch slot ──► one pipeline, one transaction ──► answers
///   (a request's receipts are one group, never split: they commit together or not at all)
/// ```
///
/// There is no timer. At most half the pool's connections (at least one) run batches at once: the rest stay free
/// for the retrier, set-aside receipts and jobs, and fewer, larger batches cost the database and the gateway less
/// per receipt. A group that finds a batch slot and a connection free is stored at once, alone; otherwise groups
/// gather behind the one job waiting for the next slot, which takes them all (up to
/// ``DatabaseConfiguration/maximumBatchSize`` receipts, and always whole groups). Batches therefore grow with the
/// load and stay at one when it is light, and no receipt waits for a window to close.
///
/// A batch runs as one pipeline (``PostgresConnection/pipeline(_:_:)``), receipts ordered by the notification they
/// name (in arrival order for the same notification), so two batches take row locks in the same order and
/// receipts for one notification apply in the order they came. Each requester is answered only after the commit
/// that holds its receipts. A statement that fails rolls the batch back; the group it belongs to gets the error and
/// the others are run again without it. A receipt whose notification's row another transaction holds locked for
/// longer than ``BatchLockWait`` is set aside with the batch's other groups naming that notification: they wait for
/// the lock on their own, in order, while the rest commit. A lost connection fails the whole batch, which was not
/// committed.
final class ReceiptBatcher: @unchecked Sendable {
    /// One request's receipts, stored together.
    private struct Pending {
        var writes: [ReceiptWrite]
        var arrival: Int
        var continuation: CheckedContinuation<Result<[RecordedReceipt], DatabaseError>, Never>

        func answer(_ result: Result<[RecordedReceipt], DatabaseError>) { continuation.resume(returning: result) }

        /// Whether any of its receipts names the notification `key`.
        func names(_ key: String) -> Bool { writes.contains { $0.notificationKey == key } }
    }

    /// How often a batch that lost a deadlock or serialization conflict is run again before its receipt fails.
    private static let conflictRetries = 3

    private let workers: DatabaseWorkers
    private let maximumBatchSize: Int
    private let capacity: Int
    private let maximumBatchesInFlight: Int
    private let observer: (@Sendable (Int) -> Void)?
    // Guarded by `lock`.
    private let lock = NSLock()
    private var pending: [Pending] = []
    private var pendingWrites = 0
    private var arrivals = 0
    private var drainQueued = false
    /// Batch jobs queued or running; at most ``maximumBatchesInFlight``.
    private var batchesInFlight = 0

    /// - Parameter observer: told the number of receipts of every batch run, for metrics and tests.
    init(workers: DatabaseWorkers, observer: (@Sendable (Int) -> Void)?) {
        self.workers = workers
        self.maximumBatchSize = max(workers.configuration.maximumBatchSize, 1)
        self.capacity = max(workers.configuration.maximumQueuedJobs, 1)
        self.maximumBatchesInFlight = max(workers.configuration.poolSize / 2, 1)
        self.observer = observer
    }

    /// Stores one request's receipts, all in one transaction, and returns each statement's summary row, in order,
    /// once committed.
    func record(_ writes: [ReceiptWrite]) async throws(DatabaseError) -> [RecordedReceipt] {
        if let error = workers.unreachableError() { throw error }
        guard !writes.isEmpty else { return [] }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[RecordedReceipt], DatabaseError>, Never>) in
            let (accepted, needsDrain) = lock.withLock { () -> (Bool, Bool) in
                guard pendingWrites < capacity else { return (false, false) }
                arrivals += 1
                pending.append(Pending(writes: writes, arrival: arrivals, continuation: continuation))
                pendingWrites += writes.count
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
    var waitingCount: Int { lock.withLock { pendingWrites } }

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
            defer {
                pending = []
                pendingWrites = 0
            }
            return pending
        }
        for group in refused { group.answer(.failure(refusal)) }
    }

    private func drain(_ connection: Result<PostgresConnection, DatabaseError>) {
        let (batch, more) = lock.withLock { () -> ([Pending], Bool) in
            // Whole groups, at least one, until the batch is full.
            var count = 0
            var taken = 0
            while taken < pending.count, taken == 0 || count + pending[taken].writes.count <= maximumBatchSize {
                count += pending[taken].writes.count
                taken += 1
            }
            let batch = Array(pending.prefix(taken))
            pending.removeFirst(taken)
            pendingWrites -= count
            drainQueued = false
            return (batch, claimDrainSlot())
        }
        if more { queueDrain() }
        defer {
            // This batch's slot is free again: receipts that gathered meanwhile get the next.
            if lock.withLock({ batchesInFlight -= 1; return claimDrainSlot() }) { queueDrain() }
        }
        guard !batch.isEmpty else { return }
        observer?(batch.reduce(0) { $0 + $1.writes.count })
        switch connection {
        case .success(let connection):
            run(batch, on: connection)
        case .failure(let error):
            for group in batch { group.answer(.failure(error)) }
        }
    }

    /// One receipt of a batch: its group, its place in the group, and the write, with the write's notification
    /// key worked out once rather than at every comparison of the sort.
    private struct Step {
        var group: Int
        var position: Int
        var write: ReceiptWrite
        var notificationKey: String
    }

    private func run(_ batch: [Pending], on connection: PostgresConnection) {
        var remaining = batch
        var conflicts = 0
        // Set-aside groups the queue would not take (the gateway is stopping, or too much waits): stored here,
        // once the rest of the batch is answered, rather than refused.
        var unqueued: [Pending] = []
        defer { for group in unqueued { run([group], on: connection) } }
        while !remaining.isEmpty {
            // A group alone holds no lock another group needs: it may wait as long as the statement timeout.
            let bounded = remaining.count > 1
            var steps: [Step] = []
            for (group, pending) in remaining.enumerated() {
                for (position, write) in pending.writes.enumerated() { steps.append(Step(group: group, position: position, write: write, notificationKey: write.notificationKey)) }
            }
            steps.sort { left, right in
                (left.notificationKey, remaining[left.group].arrival, left.position)
                    < (right.notificationKey, remaining[right.group].arrival, right.position)
            }
            let results: [PostgresConnection.PipelineStep]
            do throws(DatabaseError) {
                let receipts = steps.map { ReceiptStatements.command($0.write) }
                results = try connection.pipeline(bounded ? [.prepared(BatchLockWait.statement, [])] + receipts : receipts)
            } catch {
                for group in remaining { group.answer(.failure(error)) }
                return
            }
            let receiptResults = results.dropFirst(bounded ? 1 : 0)
            if bounded, case .failed(let error) = results[0] {
                for group in remaining { group.answer(.failure(error)) }
                return
            }
            guard let failed = receiptResults.firstIndex(where: { if case .failed = $0 { true } else { false } }),
                  case .failed(let error) = results[failed]
            else {
                answer(remaining, steps: steps, results: Array(receiptResults))
                return
            }
            let culprit = steps[failed - receiptResults.startIndex]
            // A lost deadlock or serialization conflict is the batch's bad luck, not the receipt's: run it again.
            if error.isConflict && conflicts < Self.conflictRetries {
                conflicts += 1
                continue
            }
            if error.isLockTimeout && bounded {
                // Another transaction holds the notification's row: the groups naming it wait for it on their own,
                // in order, and the rest of the batch goes ahead without them.
                let key = culprit.notificationKey
                unqueued += runAlone(remaining.filter { $0.names(key) })
                remaining.removeAll { $0.names(key) }
                continue
            }
            remaining.remove(at: culprit.group).answer(.failure(error))
        }
    }

    /// Answers every group of a committed batch with its receipts' summary rows, in the order it gave them.
    private func answer(_ groups: [Pending], steps: [Step], results: [PostgresConnection.PipelineStep]) {
        var answers = groups.map { [RecordedReceipt?](repeating: nil, count: $0.writes.count) }
        var failures = [DatabaseError?](repeating: nil, count: groups.count)
        for (step, result) in zip(steps, results) {
            guard case .ran(let rows) = result else { continue }
            do throws(DatabaseError) {
                answers[step.group][step.position] = try RecordedReceipt(rows)
            } catch {
                failures[step.group] = error
            }
        }
        for (index, group) in groups.enumerated() {
            if let failure = failures[index] {
                group.answer(.failure(failure))
            } else {
                group.answer(.success(answers[index].compactMap { $0 }))
            }
        }
    }

    /// Stores groups naming one notification one at a time, in order, on the next free connection, each waiting for
    /// the notification's row lock as long as the statement timeout allows. Returns them if the queue refused them.
    private func runAlone(_ groups: [Pending]) -> [Pending] {
        let refusal = workers.submit { [self] connection in
            switch connection {
            case .success(let connection):
                for group in groups { run([group], on: connection) }
            case .failure(let error):
                for group in groups { group.answer(.failure(error)) }
            }
        }
        return refusal == nil ? [] : groups
    }
}
