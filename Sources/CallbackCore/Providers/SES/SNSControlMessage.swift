/// An SNS message that is about the subscription rather than about a notification.
public struct SNSControlMessage: Sendable, Hashable {
    /// The topic the message concerns.
    public var topicARN: String
    /// SNS's id for the message.
    public var messageID: String
    /// The URL that confirms the subscription, for confirmations.
    public var subscribeURL: String?

    /// Creates a control message.
    public init(topicARN: String, messageID: String, subscribeURL: String?) {
        self.topicARN = topicARN
        self.messageID = messageID
        self.subscribeURL = subscribeURL
    }
}
