import CallbackCore

/// A receipt read back from `callback_receipts` to be applied again.
public struct StoredReceipt: Sendable, Hashable {
    /// Its row id.
    public var id: Int64
    /// Who sent it.
    public var provider: Provider
    /// The body exactly as received.
    public var rawBody: String
    /// The `Content-Type` it came with.
    public var contentType: String?
    /// How many times it has been applied so far.
    public var attempts: Int
    /// Seconds since it arrived, by the database's clock.
    public var ageSeconds: Double

    /// Creates a stored receipt.
    public init(id: Int64, provider: Provider, rawBody: String, contentType: String?, attempts: Int, ageSeconds: Double) {
        self.id = id
        self.provider = provider
        self.rawBody = rawBody
        self.contentType = contentType
        self.attempts = attempts
        self.ageSeconds = ageSeconds
    }

    /// The request it came in, to parse again.
    public var payload: CallbackPayload { CallbackPayload(body: rawBody, contentType: contentType) }
}
