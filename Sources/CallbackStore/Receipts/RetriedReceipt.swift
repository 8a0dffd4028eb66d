import CallbackCore

/// What applying a stored receipt again did.
public struct RetriedReceipt: Sendable, Hashable {
    /// The receipt as it was read.
    public var stored: StoredReceipt
    /// What applying it did; its outcome is `waiting` again when it still waits (or failed and was postponed).
    public var result: RecordedReceipt
    /// What it was taken to mean, `nil` when its body could not be read.
    public var mapped: MappedReceipt?
    /// Why its statement failed, when it did; it was postponed and the rest of its batch went on.
    public var failure: DatabaseError?

    /// Creates a result.
    public init(stored: StoredReceipt, result: RecordedReceipt, mapped: MappedReceipt?, failure: DatabaseError? = nil) {
        self.stored = stored
        self.result = result
        self.mapped = mapped
        self.failure = failure
    }
}
