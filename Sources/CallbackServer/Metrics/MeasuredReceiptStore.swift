import CallbackCore
import CallbackStore
import Foundation

/// A ``ReceiptStore`` that counts and times every operation of the store it wraps, under a `dao.` name in StatsD and
/// an `operation` label in Prometheus: the one seam where store calls are measured, so no call site repeats it.
public struct MeasuredReceiptStore: ReceiptStore {
    private let base: any ReceiptStore
    private let metrics: GatewayMetrics

    /// Wraps a store.
    public init(_ base: any ReceiptStore, metrics: GatewayMetrics) {
        self.base = base
        self.metrics = metrics
    }

    /// Counted under the `dao` name of the first receipt's lookup (a request's receipts are one store operation).
    public func record(_ receipts: [ArrivingReceipt]) async throws(DatabaseError) -> [RecordedReceipt] {
        let lookup = receipts.lazy.compactMap { arriving -> NotificationLookup? in
            if case .receipt(let incoming) = arriving { return incoming.mapped.receipt.lookup }
            return nil
        }.first
        let name = switch lookup {
        case .id, nil: "update_notification_status_by_id"
        case .reference: "update_notification_status_by_reference"
        }
        return try await metrics.measured(databaseOperation: name) { () async throws(DatabaseError) in try await base.record(receipts) }
    }

    public func retryWaiting(
        limit: Int,
        schedule: RetrySchedule,
        interpret: @escaping @Sendable (StoredReceipt) -> MappedReceipt?
    ) async throws(DatabaseError) -> [RetriedReceipt] {
        try await metrics.measured(databaseOperation: "retry_waiting_receipts") { () async throws(DatabaseError) in
            try await base.retryWaiting(limit: limit, schedule: schedule, interpret: interpret)
        }
    }

    public func redrive(
        _ selection: RedriveSelection,
        batchSize: Int,
        schedule: RetrySchedule,
        interpret: @escaping @Sendable (StoredReceipt) -> MappedReceipt?,
        onBatch: @Sendable ([RetriedReceipt]) async -> Void
    ) async throws(DatabaseError) -> Int {
        try await metrics.measured(databaseOperation: "redrive_receipts") { () async throws(DatabaseError) in
            try await base.redrive(selection, batchSize: batchSize, schedule: schedule, interpret: interpret, onBatch: onBatch)
        }
    }

    public func unmappedStatuses(limit: Int) async throws(DatabaseError) -> [UnmappedStatus] {
        try await metrics.measured(databaseOperation: "get_unmapped_statuses") { () async throws(DatabaseError) in
            try await base.unmappedStatuses(limit: limit)
        }
    }

    public func receiptCounts(in window: StatsWindow) async throws(DatabaseError) -> [ReceiptDayCount] {
        try await metrics.measured(databaseOperation: "get_receipt_stats") { () async throws(DatabaseError) in
            try await base.receiptCounts(in: window)
        }
    }

    public func waitingBacklog() async throws(DatabaseError) -> WaitingBacklog {
        try await metrics.measured(databaseOperation: "get_waiting_backlog") { () async throws(DatabaseError) in try await base.waitingBacklog() }
    }

    public func orphanedCount(receivedSince since: Date) async throws(DatabaseError) -> Int {
        try await metrics.measured(databaseOperation: "count_orphaned_receipts") { () async throws(DatabaseError) in
            try await base.orphanedCount(receivedSince: since)
        }
    }

    public func serviceCallbackCounts() async throws(DatabaseError) -> OutboxCounts {
        try await metrics.measured(databaseOperation: "get_service_callback_counts") { () async throws(DatabaseError) in
            try await base.serviceCallbackCounts()
        }
    }

    public func lastJobRuns() async throws(DatabaseError) -> [JobRunRecord] {
        try await metrics.measured(databaseOperation: "get_last_job_runs") { () async throws(DatabaseError) in try await base.lastJobRuns() }
    }

    public func notificationTrail(
        _ key: NotificationTrailKey, scope: NotificationScope, receiptLimit: Int
    ) async throws(DatabaseError) -> NotificationTrail? {
        try await metrics.measured(databaseOperation: "get_notification_trail") { () async throws(DatabaseError) in
            try await base.notificationTrail(key, scope: scope, receiptLimit: receiptLimit)
        }
    }

    public func isReady() async -> Bool { await base.isReady() }
}
