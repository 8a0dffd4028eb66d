/// The text an SNS signature covers, rebuilt from a message's members exactly as they were sent.
///
/// As AWS documents it: for each signed member, in this order, its name, a line feed, its value and a line feed.
/// A `Notification` signs `Message`, `MessageId`, `Subject` (only when the message has one), `Timestamp`,
/// `TopicArn` and `Type`; a `SubscriptionConfirmation` or `UnsubscribeConfirmation` signs `Message`, `MessageId`,
/// `SubscribeURL`, `Timestamp`, `Token`, `TopicArn` and `Type`. Values are used as sent, untrimmed: one changed
/// character and the signature no longer matches, which is the point.
public enum SNSCanonicalString {
    /// The members signed for a message of this type, in signing order.
    public static func memberNames(for type: SNSMessageType, hasSubject: Bool) -> [String] {
        switch type {
        case .notification:
            ["Message", "MessageId"] + (hasSubject ? ["Subject"] : []) + ["Timestamp", "TopicArn", "Type"]
        case .subscriptionConfirmation, .unsubscribeConfirmation:
            ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
        }
    }

    /// The signed text of a message of type `type` whose string members `member` looks up by name.
    ///
    /// - Throws: ``SNSCanonicalStringError/missing(_:)`` naming the first signed member that is absent.
    public static func build(type: SNSMessageType, member: (String) -> String?) throws(SNSCanonicalStringError) -> String {
        var text = ""
        for name in memberNames(for: type, hasSubject: member("Subject") != nil) {
            // `Type` is the type the members were chosen by, whatever the lookup says.
            guard let value = name == "Type" ? type.rawValue : member(name) else { throw .missing(name) }
            text += name + "\n" + value + "\n"
        }
        return text
    }

    /// The signed text of a message given as its string members (`"Type": "Notification"`, ...), for signing
    /// tools and tests.
    ///
    /// - Throws: ``SNSCanonicalStringError`` when `Type` is unknown or a signed member is absent.
    public static func build(_ members: [String: String]) throws(SNSCanonicalStringError) -> String {
        guard let type = members["Type"].flatMap(SNSMessageType.init(rawValue:)) else { throw .unknownType }
        return try build(type: type) { members[$0] }
    }
}
