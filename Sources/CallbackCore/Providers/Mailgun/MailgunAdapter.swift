import Foundation

/// Reads Mailgun webhooks: `event-data.event` is the raw status and `event-data.severity` (for `failed`) the
/// detail; our notification id is `event-data.user-variables.notification_id` when the message was sent with it,
/// otherwise `event-data.message.headers.message-id` (without angle brackets) is the notification's reference.
///
/// `recipient` (an address) is never read. The `signature` object is checked by ``MailgunSignature``.
public struct MailgunAdapter: ReceiptAdapter {
    /// Creates the adapter.
    public init() {}

    /// Always ``Provider/mailgun``.
    public var provider: Provider { .mailgun }

    /// Mailgun posts JSON.
    public var acceptedMediaTypes: Set<String> { ["application/json"] }

    /// The user variable that carries our notification id.
    public static let notificationIDKey = "notification_id"

    private static let knownNames: Set<String> = ["signature", "event-data"]
    private static let eventNames: Set<String> = ["event", "severity", "message", "user-variables", "delivery-status", "timestamp", "id", "reason"]

    /// Parses one event; `event-data.event` is required, and one of the notification id and the message id.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem found.
    public func parse(_ payload: CallbackPayload) throws(InvalidCallback) -> ProviderMessage {
        var problems = ProblemList()
        guard let object = JSONBody.object(payload.body, problems: &problems) else { throw problems.error(for: provider) }
        let body = JSONObjectReader(object, knownNames: Self.knownNames, problems: &problems)
        guard let event = body.object("event-data", problems: &problems) else { throw problems.error(for: provider) }
        let kind = event.text("event", required: true, problems: &problems)
        let severity = event.text("severity", required: false, problems: &problems)
        let messageID = event.object("message", problems: &problems)?.object("headers", problems: &problems)?
            .text("message-id", required: false, problems: &problems)
            .map(Self.withoutAngleBrackets)
        let variables = event.object("user-variables", problems: &problems)
        let lookup = JSONBody.lookup(
            id: variables?.scalarText(Self.notificationIDKey, required: false, problems: &problems),
            idName: "event-data.user-variables.\(Self.notificationIDKey)",
            reference: messageID, referenceName: "event-data.message.headers.message-id", problems: &problems
        )
        let code = event.object("delivery-status", problems: &problems)?.scalarText("code", required: false, problems: &problems)
        let eventID = event.text("id", required: false, problems: &problems)
        let happened = event.unixTimestamp("timestamp")
        guard problems.isEmpty, let kind, let lookup else { throw problems.error(for: provider) }
        return .receipt(ProviderReceipt(
            provider: provider,
            lookup: lookup,
            providerReference: messageID,
            rawStatus: kind,
            detailCode: kind == "failed" ? severity : nil,
            reason: code,
            providerTimestamp: happened,
            complaint: kind == "complained" ? ComplaintDetails(
                feedbackID: eventID.map { "mailgun:\($0)" }, complaintType: "complained", complainedAt: happened
            ) : nil
        ))
    }

    /// A message id as the send API gives it (`<id@domain>`) or as webhooks do (`id@domain`): without brackets.
    static func withoutAngleBrackets(_ id: String) -> String {
        var text = Substring(id)
        if text.first == "<" { text = text.dropFirst() }
        if text.last == ">" { text = text.dropLast() }
        return String(text)
    }
}
