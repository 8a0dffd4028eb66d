import Foundation

/// Reads SendGrid's Event Webhook: a JSON array of events, each read on its own (an event that cannot be read does
/// not spoil the others). `event` is the raw status; the detail is a bounce's `type` (`bounce` or `blocked`) or a
/// dropped message's `reason`. Our notification id is the custom argument `notification_id` when the message was
/// sent with it, otherwise `sg_message_id` up to its first `.`, the `X-Message-Id` SendGrid answered the send with,
/// is the notification's reference.
///
/// A single event object is read too: that is how a stored event is read again (the retrier, a re-drive).
/// `email` (an address) is never read.
public struct SendGridAdapter: ReceiptAdapter {
    /// Creates the adapter.
    public init() {}

    /// Always ``Provider/sendgrid``.
    public var provider: Provider { .sendgrid }

    /// SendGrid posts JSON.
    public var acceptedMediaTypes: Set<String> { ["application/json"] }

    /// The custom argument that carries our notification id.
    public static let notificationIDKey = "notification_id"

    private static let knownNames: Set<String> = [
        "event", "sg_message_id", "sg_event_id", "timestamp", "type", "reason", "status", notificationIDKey,
    ]

    /// Parses a batch (an array) or one stored event (an object).
    ///
    /// - Throws: ``InvalidCallback`` when the body is not JSON, or is neither an array nor an object, or (for one
    ///   object) the event cannot be read.
    public func parse(_ payload: CallbackPayload) throws(InvalidCallback) -> ProviderMessage {
        var problems = ProblemList()
        guard PayloadText.text(of: payload.body, problems: &problems) != nil else { throw problems.error(for: provider) }
        guard let document = JSONValue.parse(payload.body) else {
            problems.add("body is not valid JSON")
            throw problems.error(for: provider)
        }
        switch document {
        case .object(let members):
            guard let receipt = event(members, problems: &problems) else { throw problems.error(for: provider) }
            return .receipt(receipt)
        case .array(let elements):
            guard let texts = JSONArrayElements.split(payload.body), texts.count == elements.count else {
                problems.add("body is not a JSON array of events")
                throw problems.error(for: provider)
            }
            return .batch(zip(elements, texts).map { element, bytes in
                let text = String(decoding: bytes, as: UTF8.self)
                var eventProblems = ProblemList()
                guard case .object(let members) = element else {
                    return .unreadable(text: text, problems: InvalidCallback(provider: provider, problems: ["an event is not a JSON object"]).problems)
                }
                guard let receipt = event(members, problems: &eventProblems) else {
                    return .unreadable(text: text, problems: eventProblems.error(for: provider).problems)
                }
                return .receipt(receipt, text: text)
            })
        default:
            problems.add("body is not a JSON array of events")
            throw problems.error(for: provider)
        }
    }

    private func event(_ members: [String: JSONValue], problems: inout ProblemList) -> ProviderReceipt? {
        let fields = JSONObjectReader(members, knownNames: Self.knownNames, problems: &problems)
        let kind = fields.text("event", required: true, problems: &problems)
        let messageID = fields.text("sg_message_id", required: false, problems: &problems)
        let reference = messageID.map { $0.prefix { $0 != "." }.trimmingWhitespace() }
        if reference?.isEmpty == true {
            // ".filter…" alone names no message; an empty reference would match nothing, or the wrong row.
            problems.add("sg_message_id has no message id before its first \".\"; send the X-Message-Id SendGrid answered with")
        }
        let lookup = JSONBody.lookup(
            id: fields.scalarText(Self.notificationIDKey, required: false, problems: &problems), idName: Self.notificationIDKey,
            reference: reference, referenceName: "sg_message_id", problems: &problems
        )
        let detail: String? = switch kind {
        case "bounce": fields.text("type", required: false, problems: &problems)
        case "dropped": fields.text("reason", required: false, problems: &problems)
        default: nil
        }
        let eventID = fields.text("sg_event_id", required: false, problems: &problems)
        let happened = fields.unixTimestamp("timestamp")
        guard problems.isEmpty, let kind, let lookup else { return nil }
        return ProviderReceipt(
            provider: provider,
            lookup: lookup,
            providerReference: reference,
            rawStatus: kind,
            detailCode: detail,
            providerTimestamp: happened,
            complaint: kind == "spamreport" ? ComplaintDetails(
                feedbackID: eventID.map { "sendgrid:\($0)" }, complaintType: "spamreport", complainedAt: happened
            ) : nil
        )
    }
}
