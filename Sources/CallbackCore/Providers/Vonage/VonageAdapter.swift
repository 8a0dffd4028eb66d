import Foundation

/// Reads Vonage SMS API delivery receipts, as a form or as JSON: `status` is the raw status and `err-code` the
/// detail; our notification id is `client-ref` when the message was sent with it, otherwise `messageId` (one per
/// part of a long message) is the notification's reference. `message-timestamp` (UTC) is when it happened.
///
/// `msisdn` (a phone number) is never read.
public struct VonageAdapter: ReceiptAdapter {
    /// Creates the adapter.
    public init() {}

    /// Always ``Provider/vonage``.
    public var provider: Provider { .vonage }

    /// Vonage posts a form or JSON, as the account is set up.
    public var acceptedMediaTypes: Set<String> { ["application/x-www-form-urlencoded", "application/json"] }

    /// Parses a delivery receipt; `status` is required, and one of `client-ref` (a UUID) and `messageId`.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem found.
    public func parse(_ payload: CallbackPayload) throws(InvalidCallback) -> ProviderMessage {
        var problems = ProblemList()
        guard PayloadText.text(of: payload.body, problems: &problems) != nil else { throw problems.error(for: provider) }
        guard let parameters = VonageParameters.read(payload) else {
            problems.add("body is neither a form nor a JSON object of strings and numbers")
            throw problems.error(for: provider)
        }
        func field(_ name: String) -> String? {
            guard let value = parameters[name]?.trimmingWhitespace(), !value.isEmpty else { return nil }
            if PayloadText.containsNUL(value) {
                problems.add("\(name) contains a NUL character")
                return nil
            }
            return value
        }
        let status = field("status")
        if status == nil { problems.add("status missing") }
        let messageID = field("messageId")
        let lookup = JSONBody.lookup(id: field("client-ref"), idName: "client-ref", reference: messageID, referenceName: "messageId", problems: &problems)
        let errorCode = field("err-code")
        let happened = field("message-timestamp").flatMap { ProviderTimestamp.parse($0 + "Z") } ?? field("scts").flatMap(CompactTimestamp.parse)
        guard problems.isEmpty, let status, let lookup else { throw problems.error(for: provider) }
        return .receipt(ProviderReceipt(
            provider: provider,
            lookup: lookup,
            providerReference: messageID,
            rawStatus: status,
            detailCode: errorCode,
            providerTimestamp: happened
        ))
    }
}
