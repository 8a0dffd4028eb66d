/// What an adapter found in a request.
public enum ProviderMessage: Sendable, Hashable {
    /// A delivery receipt (or an email complaint) about one notification.
    case receipt(ProviderReceipt)
    /// SNS asks the gateway to confirm a subscription to a topic.
    case subscriptionConfirmation(SNSControlMessage)
    /// SNS says a subscription ended.
    case unsubscribeConfirmation(SNSControlMessage)
}
