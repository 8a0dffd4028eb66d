/// What an adapter found in a request.
public enum ProviderMessage: Sendable, Hashable {
    /// A delivery receipt (or an email complaint) about one notification.
    case receipt(ProviderReceipt)
    /// Several events in one request (SendGrid posts them in batches), each read on its own.
    case batch([BatchEvent])
    /// SNS asks the gateway to confirm a subscription to a topic.
    case subscriptionConfirmation(SNSControlMessage)
    /// SNS says a subscription ended.
    case unsubscribeConfirmation(SNSControlMessage)
}

/// One event of a batch, with its own text: it is stored, deduplicated and re-driven as a receipt of its own.
public enum BatchEvent: Sendable, Hashable {
    /// An event read as a receipt.
    case receipt(ProviderReceipt, text: String)
    /// An event that could not be read: what was wrong with it, for the log.
    case unreadable(text: String, problems: [String])
}
