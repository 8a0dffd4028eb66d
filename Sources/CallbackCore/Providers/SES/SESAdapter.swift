import Foundation

/// Reads Amazon SES events pushed through an SNS HTTP(S) subscription.
///
/// The body is an SNS envelope (``SNSEnvelope``). A `Notification` carries the SES event as JSON text in `Message`:
/// `notificationType` (or, for configuration-set event publishing, `eventType`) is the raw status, and
/// `mail.messageId`, the id SES gave the message when it was sent, finds the notification by its reference.
/// Subscription and unsubscription confirmations are passed on for the server to act on. Signatures are not
/// checked here.
public struct SESAdapter: ReceiptAdapter {
    /// Creates the adapter.
    public init() {}

    /// Always ``Provider/ses``.
    public var provider: Provider { .ses }

    /// SNS posts JSON labelled `text/plain; charset=UTF-8`; `application/json` is accepted too, for tools and
    /// replays that label it properly.
    public var acceptedMediaTypes: Set<String> { ["text/plain", "application/json"] }

    private static let eventNames: Set<String> = [
        "notificationType", "eventType", "mail", "delivery", "bounce", "complaint",
    ]

    /// The event member holding the details of each event type SES sends receipts for.
    private static let detailMembers = ["Delivery": "delivery", "Bounce": "bounce", "Complaint": "complaint"]

    /// Parses an SNS message: a notification becomes a receipt; a confirmation becomes a control message.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem found.
    public func parse(_ payload: CallbackPayload) throws(InvalidCallback) -> ProviderMessage {
        var problems = ProblemList()
        guard let envelope = SNSEnvelope.decode(payload.body, problems: &problems) else {
            throw problems.error(for: provider)
        }
        return try parse(envelope, problems: problems)
    }

    /// Parses an SNS message whose envelope was read already (to verify its signature), without reading the
    /// request body again: the same result as ``parse(_:)`` on the body it came from.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem found.
    public func parse(_ signed: SNSSignedMessage) throws(InvalidCallback) -> ProviderMessage {
        try parse(signed.envelope, problems: ProblemList())
    }

    private func parse(_ envelope: SNSEnvelope, problems: ProblemList) throws(InvalidCallback) -> ProviderMessage {
        var problems = problems
        let message: ProviderMessage? = switch envelope.type {
        case .notification:
            receipt(in: envelope, problems: &problems).map(ProviderMessage.receipt)
        case .subscriptionConfirmation:
            control(in: envelope, subscribeURLRequired: true, problems: &problems)
                .map(ProviderMessage.subscriptionConfirmation)
        case .unsubscribeConfirmation:
            control(in: envelope, subscribeURLRequired: false, problems: &problems)
                .map(ProviderMessage.unsubscribeConfirmation)
        }
        guard problems.isEmpty, let message else { throw problems.error(for: provider) }
        return message
    }

    private func receipt(in envelope: SNSEnvelope, problems: inout ProblemList) -> ProviderReceipt? {
        guard let text = Self.required(envelope.message, "Message", of: envelope, problems: &problems) else {
            return nil
        }
        guard case .object(let members)? = JSONValue.parse(text.utf8) else {
            problems.add("Message is not a JSON SES event")
            return nil
        }
        let event = JSONObjectReader(members, knownNames: Self.eventNames, problems: &problems)
        // Event publishing (configuration sets) names the type `eventType`; SNS notifications `notificationType`.
        let typeMember = event.contains("eventType") && !event.contains("notificationType")
            ? "eventType" : "notificationType"
        let eventType = event.text(typeMember, required: true, problems: &problems)
        let mail = event.object("mail", problems: &problems)
        let messageID = mail?.text("messageId", required: true, problems: &problems)
        guard let eventType, let messageID else { return nil }

        let details = Self.detailMembers[eventType].flatMap { event.object($0, problems: &problems) }
        let isBounce = eventType == "Bounce"
        let isComplaint = eventType == "Complaint"
        return ProviderReceipt(
            provider: provider,
            lookup: .reference(messageID),
            providerReference: messageID,
            rawStatus: eventType,
            detailCode: isBounce ? details?.text("bounceType", required: false, problems: &problems) : nil,
            reason: isBounce ? details?.text("bounceSubType", required: false, problems: &problems) : nil,
            providerTimestamp: details?.timestamp("timestamp") ?? mail?.timestamp("timestamp"),
            complaint: isComplaint ? ComplaintDetails(
                feedbackID: details?.text("feedbackId", required: false, problems: &problems),
                complaintType: details?.text("complaintFeedbackType", required: false, problems: &problems),
                complainedAt: details?.timestamp("timestamp")
            ) : nil
        )
    }

    private func control(
        in envelope: SNSEnvelope, subscribeURLRequired: Bool, problems: inout ProblemList
    ) -> SNSControlMessage? {
        let topicARN = Self.required(envelope.topicARN, "TopicArn", of: envelope, problems: &problems)
        let messageID = Self.required(envelope.messageID, "MessageId", of: envelope, problems: &problems)
        let subscribeURL = subscribeURLRequired
            ? Self.required(envelope.subscribeURL, "SubscribeURL", of: envelope, problems: &problems)
            : envelope.subscribeURL.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        guard let topicARN, let messageID else { return nil }
        return SNSControlMessage(topicARN: topicARN, messageID: messageID, subscribeURL: subscribeURL)
    }

    /// An envelope member trimmed, recorded as missing when absent or blank (unless already reported unusable).
    private static func required(
        _ value: String?, _ name: String, of envelope: SNSEnvelope, problems: inout ProblemList
    ) -> String? {
        let trimmed = value?.trimmingWhitespace() ?? ""
        guard !trimmed.isEmpty else {
            if !envelope.unusableMembers.contains(name) { problems.add("\(name) missing") }
            return nil
        }
        return trimmed
    }
}
