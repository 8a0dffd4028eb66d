import CallbackCore
import Foundation

/// Where receipts are stored and applied. The server depends on this protocol, not on PostgreSQL.
public protocol ReceiptStore: Sendable {
    /// Stores a receipt and applies it to its notification, atomically; returns only once committed.
    func record(_ receipt: IncomingReceipt) async throws(DatabaseError) -> RecordedReceipt

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
    /// in arrival order, `batchSize` per transaction.
    func redrive(
        _ selection: RedriveSelection,
        batchSize: Int,
        schedule: RetrySchedule,
        interpret: @escaping @Sendable (StoredReceipt) -> MappedReceipt?
    ) async throws(DatabaseError) -> [RetriedReceipt]

    /// Each distinct unmapped (provider, raw status, detail code) with how often and when it was seen.
    func unmappedStatuses() async throws(DatabaseError) -> [UnmappedStatus]

    /// Whether the database answers.
    func isReady() async -> Bool
}

/// Which stored receipts to re-drive.
public struct RedriveSelection: Sendable, Hashable {
    /// Their current outcome: `unmapped`, `waiting` or `orphaned`.
    public var outcome: ReceiptOutcome
    /// Only this provider's, when given.
    public var provider: Provider?
    /// Only those received at or after this time, when given.
    public var since: Date?

    /// Creates a selection.
    public init(outcome: ReceiptOutcome, provider: Provider? = nil, since: Date? = nil) {
        self.outcome = outcome
        self.provider = provider
        self.since = since
    }
}

/// A status the mapping did not know, as stored receipts show it.
public struct UnmappedStatus: Sendable, Hashable, Codable {
    /// Who sent it.
    public var provider: Provider
    /// The status as sent.
    public var rawStatus: String
    /// The detail code sent with it, if any.
    public var detailCode: String?
    /// How many receipts carry it.
    public var count: Int
    /// When the first arrived.
    public var firstSeen: Date
    /// When the last arrived.
    public var lastSeen: Date

    /// Creates a summary row.
    public init(provider: Provider, rawStatus: String, detailCode: String?, count: Int, firstSeen: Date, lastSeen: Date) {
        self.provider = provider
        self.rawStatus = rawStatus
        self.detailCode = detailCode
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}

/// What a retry did to one stored receipt.
public struct RetriedReceipt: Sendable, Hashable {
    /// The receipt as it was read.
    public var stored: StoredReceipt
    /// What applying it did; its outcome is `waiting` again when it still waits.
    public var result: RecordedReceipt
    /// What it was taken to mean, `nil` when its body could not be read.
    public var mapped: MappedReceipt?
}
