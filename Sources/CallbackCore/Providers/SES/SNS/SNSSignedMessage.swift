/// The parts of an SNS message that say who sent it and what they signed, read from a request body exactly as
/// sent, before anything else of it is trusted.
///
/// The gateway checks these (topic, signing certificate URL, signature) before the SES adapter reads the message,
/// so that nothing from an unverified message goes further than this.
public struct SNSSignedMessage: Sendable, Hashable {
    /// The whole envelope, for the SES adapter to read the message from once it is verified.
    let envelope: SNSEnvelope

    /// `Type`.
    public var type: SNSMessageType { envelope.type }
    /// `TopicArn`, as sent.
    public var topicARN: String? { envelope.topicARN }
    /// `MessageId`, as sent.
    public var messageID: String? { envelope.messageID }
    /// `SignatureVersion`, as sent.
    public var signatureVersion: String? { envelope.signatureVersion }
    /// `Signature` (base64), as sent.
    public var signature: String? { envelope.signature }
    /// `SigningCertURL`, as sent.
    public var signingCertURL: String? { envelope.signingCertURL }
    /// `SubscribeURL`, as sent.
    public var subscribeURL: String? { envelope.subscribeURL }

    /// Reads the SNS envelope of an SES route's request body.
    ///
    /// - Throws: ``InvalidCallback`` with the problems the SES adapter would report, when the body is not an SNS
    ///   envelope of a known `Type` or a member is unusable: such a body is answered 400 whether or not it is
    ///   signed, as it always was.
    public static func read(_ body: [UInt8]) throws(InvalidCallback) -> SNSSignedMessage {
        var problems = ProblemList()
        guard let envelope = SNSEnvelope.decode(body, problems: &problems), problems.isEmpty else {
            throw problems.error(for: .ses)
        }
        return SNSSignedMessage(envelope: envelope)
    }

    /// The text SNS signed for this message (see ``SNSCanonicalString``).
    ///
    /// - Throws: ``SNSCanonicalStringError/missing(_:)`` when a signed member is absent.
    public func canonicalString() throws(SNSCanonicalStringError) -> String {
        try SNSCanonicalString.build(type: envelope.type) { envelope.member($0) }
    }
}
