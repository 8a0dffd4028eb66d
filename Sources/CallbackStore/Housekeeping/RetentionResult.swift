/// What one run of retention deleted.
public struct RetentionResult: JobResult, Hashable {
    /// Receipts deleted.
    public var receipts: Int
    /// Complaints deleted.
    public var complaints: Int
    /// One-time tokens (Mailgun's) deleted.
    public var tokens: Int

    /// Creates a result.
    public init(receipts: Int, complaints: Int, tokens: Int = 0) {
        self.receipts = receipts
        self.complaints = complaints
        self.tokens = tokens
    }

    /// Receipts and complaints: the rows the platform's operators count (tokens are the gateway's own bookkeeping).
    public var rowsAffected: Int { receipts + complaints }
}
