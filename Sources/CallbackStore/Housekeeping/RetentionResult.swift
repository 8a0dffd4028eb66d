/// What one run of retention deleted.
public struct RetentionResult: JobResult, Hashable {
    /// Receipts deleted.
    public var receipts: Int
    /// Complaints deleted.
    public var complaints: Int

    /// Creates a result.
    public init(receipts: Int, complaints: Int) {
        self.receipts = receipts
        self.complaints = complaints
    }

    public var rowsAffected: Int { receipts + complaints }
}
