/// What an SNS message is about: its `Type` member, which decides the members its signature covers.
public enum SNSMessageType: String, Sendable, Hashable, CaseIterable {
    /// A message published to the topic (for SES, a receipt).
    case notification = "Notification"
    /// SNS asks the endpoint to confirm a subscription by visiting `SubscribeURL`.
    case subscriptionConfirmation = "SubscriptionConfirmation"
    /// SNS says the subscription was cancelled.
    case unsubscribeConfirmation = "UnsubscribeConfirmation"
}
