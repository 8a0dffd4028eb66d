/// The JSON document Amazon SNS posts to an HTTP(S) subscriber.
///
/// String members are kept exactly as sent (untrimmed), because a signature verifier must rebuild the very string
/// SNS signed from them; users trim what they read. Decoding checks types only: which members a message needs
/// depends on what it is used for.
struct SNSEnvelope: Sendable, Hashable {
    /// What the message is about (`Type`).
    typealias MessageType = SNSMessageType

    /// `Type`.
    var type: MessageType
    /// `MessageId`, SNS's id for this message.
    var messageID: String?
    /// `TopicArn`.
    var topicARN: String?
    /// `Message`: for a notification, the publisher's payload (for SES, the event as JSON text).
    var message: String?
    /// `Timestamp`, when SNS published the message.
    var timestamp: String?
    /// `Subject`, present on some notifications.
    var subject: String?
    /// `SubscribeURL`, on subscription and unsubscription confirmations.
    var subscribeURL: String?
    /// `Token`, on subscription and unsubscription confirmations.
    var token: String?
    /// `SignatureVersion` (`1` is SHA1withRSA, `2` SHA256withRSA).
    var signatureVersion: String?
    /// `Signature`, base64.
    var signature: String?
    /// `SigningCertURL`, where the signing certificate can be fetched.
    var signingCertURL: String?
    /// `UnsubscribeURL`, on notifications.
    var unsubscribeURL: String?
    /// Members that were present but unusable (not a string, or holding a NUL character). Each has had its problem
    /// recorded, so a user must not report it as missing as well.
    var unusableMembers: Set<String>

    /// A string member by its name in the body (`MessageId`), exactly as sent; `nil` when absent or unusable.
    func member(_ name: String) -> String? {
        switch name {
        case "Type": type.rawValue
        case "MessageId": messageID
        case "TopicArn": topicARN
        case "Message": message
        case "Timestamp": timestamp
        case "Subject": subject
        case "SubscribeURL": subscribeURL
        case "Token": token
        case "SignatureVersion": signatureVersion
        case "Signature": signature
        case "SigningCertURL": signingCertURL
        case "UnsubscribeURL": unsubscribeURL
        default: nil
        }
    }

    private static let memberNames: Set<String> = [
        "Type", "MessageId", "TopicArn", "Message", "Timestamp", "Subject", "SubscribeURL", "Token",
        "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL",
    ]

    /// Decodes a request body, recording every problem; `nil` when the body is not an envelope of a known `Type`.
    ///
    /// A non-nil envelope may still come with problems (a member of the wrong type, a NUL character).
    static func decode(_ body: [UInt8], problems: inout ProblemList) -> SNSEnvelope? {
        guard PayloadText.text(of: body, problems: &problems) != nil else { return nil }
        guard let document = JSONValue.parse(body) else {
            problems.add("body is not valid JSON")
            return nil
        }
        guard case .object(let members) = document else {
            problems.add("body is not a JSON object")
            return nil
        }
        let fields = JSONObjectReader(members, knownNames: memberNames, problems: &problems)
        let typeName = fields.text("Type", required: true, problems: &problems)
        let type = typeName.flatMap(MessageType.init(rawValue:))
        if typeName != nil, type == nil {
            let allowed = MessageType.allCases.map(\.rawValue).joined(separator: ", ")
            problems.add("Type must be one of \(allowed)")
        }
        // Every member is read, even when `Type` is unusable, so that all problems are listed at once.
        let envelope = SNSEnvelope(type: type ?? .notification, reading: fields, problems: &problems)
        return type == nil ? nil : envelope
    }

    private init(type: MessageType, reading fields: JSONObjectReader, problems: inout ProblemList) {
        var unusable: Set<String> = []
        func read(_ name: String) -> String? {
            let value = fields.exactText(name, problems: &problems)
            if value == nil, fields.contains(name) { unusable.insert(name) }
            return value
        }
        self.type = type
        messageID = read("MessageId")
        topicARN = read("TopicArn")
        message = read("Message")
        timestamp = read("Timestamp")
        subject = read("Subject")
        subscribeURL = read("SubscribeURL")
        token = read("Token")
        signatureVersion = read("SignatureVersion")
        signature = read("Signature")
        signingCertURL = read("SigningCertURL")
        unsubscribeURL = read("UnsubscribeURL")
        unusableMembers = unusable
    }
}
