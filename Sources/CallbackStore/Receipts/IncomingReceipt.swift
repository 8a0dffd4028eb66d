import CallbackCore

/// A receipt as it arrived, ready to be stored and applied.
public struct IncomingReceipt: Sendable, Hashable {
    /// The receipt and what it maps to.
    public var mapped: MappedReceipt
    /// The request body exactly as received (kept only in `callback_receipts`; it may hold phone numbers and email
    /// addresses).
    public var rawBody: String
    /// The request's `Content-Type`, kept so the receipt can be parsed again the same way.
    public var contentType: String?
    /// A value the receipt may bring once only, across every replica (Mailgun's `token`, which its signature covers
    /// but the body does not): claimed in the statement that stores the receipt, which refuses it when taken before.
    public var oneTimeToken: String?

    /// Creates an incoming receipt.
    public init(mapped: MappedReceipt, rawBody: String, contentType: String?, oneTimeToken: String? = nil) {
        self.mapped = mapped
        self.rawBody = rawBody
        self.contentType = contentType
        self.oneTimeToken = oneTimeToken
    }
}
