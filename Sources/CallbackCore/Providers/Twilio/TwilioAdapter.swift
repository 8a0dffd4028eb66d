import Foundation

/// Reads Twilio status callbacks: a form with `MessageSid` (the notification's reference: the `sid` Twilio gave the
/// message when it was sent), `MessageStatus` (the raw status), `ErrorCode` (the detail, for failed and undelivered
/// messages) and `RawDlrDoneDate` (`YYMMDDhhmm`, the carrier's time). Twilio adds fields without notice; the others
/// are ignored here (and covered by the signature).
///
/// `From` and `To` (phone numbers) are never read.
public struct TwilioAdapter: ReceiptAdapter {
    /// Creates the adapter.
    public init() {}

    /// Always ``Provider/twilio``.
    public var provider: Provider { .twilio }

    /// Twilio posts a form.
    public var acceptedMediaTypes: Set<String> { ["application/x-www-form-urlencoded"] }

    private static let knownNames: Set<String> = ["MessageSid", "MessageStatus", "ErrorCode", "RawDlrDoneDate", "SmsSid", "SmsStatus", "AccountSid"]

    /// Parses a status callback; `MessageSid` and `MessageStatus` are required.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem found.
    public func parse(_ payload: CallbackPayload) throws(InvalidCallback) -> ProviderMessage {
        var problems = ProblemList()
        guard let text = PayloadText.text(of: payload.body, problems: &problems) else { throw problems.error(for: provider) }
        let form = FormFields(decoding: text, knownNames: Self.knownNames, problems: &problems)
        let sid = form.text("MessageSid", required: true, problems: &problems)
        let status = form.text("MessageStatus", required: true, problems: &problems)
        let errorCode = form.text("ErrorCode", required: false, problems: &problems)
        let doneDate = form.text("RawDlrDoneDate", required: false, problems: &problems)
        guard problems.isEmpty, let sid, let status else { throw problems.error(for: provider) }
        return .receipt(ProviderReceipt(
            provider: provider,
            lookup: .reference(sid),
            providerReference: sid,
            rawStatus: status,
            detailCode: errorCode,
            providerTimestamp: doneDate.flatMap(CompactTimestamp.parse)
        ))
    }
}
