/// What one run of retention deleted.
public struct RetentionResult: JobResult, Hashable {
    /// Receipts deleted.
    public var receipts: Int
    /// Complaints deleted.
    public var complaints: Int
    /// One-time tokens (Mailgun's) deleted.
    public var tokens: Int
    /// Service callbacks deleted (sent, failed or dead ones; pending ones are kept).
    public var serviceCallbacks: Int

    /// Creates a result.
    public init(receipts: Int, complaints: Int, tokens: Int = 0, serviceCallbacks: Int = 0) {
        self.receipts = receipts
        self.complaints = complaints
        self.tokens = tokens
        self.serviceCallbacks = serviceCallbacks
    }

    /// Receipts and complaints: the rows the platform's operators count (tokens are the gateway's own bookkeeping).
    public var rowsAffected: Int { receipts + complaints }
}
