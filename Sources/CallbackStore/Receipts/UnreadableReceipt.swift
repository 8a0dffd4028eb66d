import CallbackCore

/// An event of a batch (one of a SendGrid request's events) that could not be read. It is stored as an `invalid`
/// receipt with its raw text, so that an operator can see it, and the rest of the batch is answered 200 rather than
/// sent again because of it.
public struct UnreadableReceipt: Sendable, Hashable {
    /// Who sent it.
    public var provider: Provider
    /// The event's text exactly as it came (it may hold email addresses and phone numbers).
    public var rawBody: String
    /// The request's `Content-Type`.
    public var contentType: String?

    /// Creates an unreadable receipt.
    public init(provider: Provider, rawBody: String, contentType: String?) {
        self.provider = provider
        self.rawBody = rawBody
        self.contentType = contentType
    }
}
