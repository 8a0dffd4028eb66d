/// The bound on how long a transaction that applies many receipts waits for one notification's row lock.
///
/// Such a transaction keeps the row locks of the receipts it already applied until it commits. Left to wait as long
/// as the statement timeout allows behind a row another transaction holds, it would stall every later receipt for
/// those notifications, then the batches that take them, until the whole pool waited. With the bound, the receipt
/// that met the held lock is set aside (``ReceiptBatcher``) or postponed (``ReceiptReapplier``), and the rest commit.
enum BatchLockWait {
    /// Long enough for another batch to commit under full load (tens of milliseconds), short enough that receipts
    /// stalled behind a long-held lock are still answered well within a provider's request timeout.
    static let milliseconds = 200

    /// Sets the bound for the rest of the current transaction (`SET LOCAL` would warn outside `BEGIN`; a pipeline's
    /// implicit transaction is one).
    static let statement = PreparedStatement(
        name: "batch_lock_wait", sql: "SELECT set_config('lock_timeout', '\(milliseconds)ms', true)"
    )
}
