import CallbackCore

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

    /// Whether the database answers.
    func isReady() async -> Bool
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
