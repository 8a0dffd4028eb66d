import CallbackCore
import Foundation

/// Where receipts are stored and applied. The server depends on this protocol, not on PostgreSQL.
public protocol ReceiptStore: Sendable {
    /// Stores one request's receipts and applies each to its notification, all in one transaction; returns their
    /// results, in order, only once committed. A request of one receipt is the usual case; a SendGrid request holds
    /// many.
    func record(_ receipts: [ArrivingReceipt]) async throws(DatabaseError) -> [RecordedReceipt]

    /// Applies again up to `limit` `waiting` receipts whose next attempt is due, orphaning those older than the
    /// schedule allows. Safe to run from several replicas at once: each receipt is taken by one of them.
    ///
    /// - Parameter interpret: parses and maps a stored receipt with the mapping now in force; `nil` when the body
    ///   can no longer be read, which orphans it.
    func retryWaiting(
        limit: Int,
        schedule: RetrySchedule,
        interpret: @escaping @Sendable (StoredReceipt) -> MappedReceipt?
    ) async throws(DatabaseError) -> [RetriedReceipt]

    /// Applies again every stored receipt the selection names (for example the `unmapped` ones, after the mapping
    /// learned their status), with the mapping now in force, and records each one's new outcome. Receipts are taken
    /// in arrival order, `batchSize` per transaction; each committed batch is handed to `onBatch`, so that a
    /// backlog of millions is never held in memory. Returns how many receipts were re-driven.
    func redrive(
        _ selection: RedriveSelection,
        batchSize: Int,
        schedule: RetrySchedule,
        interpret: @escaping @Sendable (StoredReceipt) -> MappedReceipt?,
        onBatch: @Sendable ([RetriedReceipt]) async -> Void
    ) async throws(DatabaseError) -> Int

    /// Each distinct unmapped (provider, raw status, detail code) with how often and when it was seen, most
    /// frequent first, at most `limit` of them.
    func unmappedStatuses(limit: Int) async throws(DatabaseError) -> [UnmappedStatus]

    /// How many receipts each provider sent per UTC day and outcome within `window`; days, providers and outcomes
    /// without receipts are absent (``ReceiptStats`` fills them with zeros).
    func receiptCounts(in window: StatsWindow) async throws(DatabaseError) -> [ReceiptDayCount]

    /// How many receipts are `waiting` and when the oldest of them arrived, read from the partial index of waiting
    /// receipts rather than the whole table.
    func waitingBacklog() async throws(DatabaseError) -> WaitingBacklog

    /// How many receipts received at or after `since` are now `orphaned` (their notification never appeared).
    func orphanedCount(receivedSince since: Date) async throws(DatabaseError) -> Int

    /// How many service callbacks are pending, failed and dead, each read from a partial index.
    func serviceCallbackCounts() async throws(DatabaseError) -> OutboxCounts

    /// The newest run of every housekeeping job that has run, in ``JobName`` order.
    func lastJobRuns() async throws(DatabaseError) -> [JobRunRecord]

    /// The notification `key` names within `scope`, with at most `receiptLimit` of its receipts (the earliest);
    /// `nil` when there is none in the scope.
    func notificationTrail(
        _ key: NotificationTrailKey, scope: NotificationScope, receiptLimit: Int
    ) async throws(DatabaseError) -> NotificationTrail?

    /// Whether the database answers.
    func isReady() async -> Bool
}

/// A receipt of a request, readable or not.
public enum ArrivingReceipt: Sendable, Hashable {
    /// A receipt to store and apply.
    case receipt(IncomingReceipt)
    /// An event of a batch that could not be read: stored as `invalid`.
    case unreadable(UnreadableReceipt)
}

extension ReceiptStore {
    /// Stores one receipt and applies it to its notification, atomically; returns only once committed.
    public func record(_ receipt: IncomingReceipt) async throws(DatabaseError) -> RecordedReceipt {
        let results = try await record([.receipt(receipt)])
        guard let result = results.first else { throw .statementFailed(sqlState: "", message: "the receipt statement returned no row") }
        return result
    }
}
