import Foundation

/// Reads Firetext delivery receipts: a form-encoded body with `mobile`, `status`, `reference` (our notification
/// id), and optionally `time` and `code`.
///
/// `mobile` is never read: the gateway has no use for the phone number and must not store it.
public struct FiretextAdapter: ReceiptAdapter {
    /// Creates the adapter.
    public init() {}

    /// Always ``Provider/firetext``.
    public var provider: Provider { .firetext }

    /// Firetext posts an HTML form.
    public var acceptedMediaTypes: Set<String> { ["application/x-www-form-urlencoded"] }

    private static let knownNames: Set<String> = ["mobile", "status", "reference", "time", "code"]

    /// Parses a receipt; `status` and `reference` are required and `reference` must be a UUID. `code` is kept
    /// exactly as sent (`"000"` stays `"000"`); an unparsable `time` is simply absent.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem found.
    public func parse(_ payload: CallbackPayload) throws(InvalidCallback) -> ProviderMessage {
        var problems = ProblemList()
        guard let text = PayloadText.text(of: payload.body, problems: &problems) else {
            throw problems.error(for: provider)
        }
        let form = FormFields(decoding: text, knownNames: Self.knownNames, problems: &problems)
        let reference = form.text("reference", required: true, problems: &problems)
        let status = form.text("status", required: true, problems: &problems)
        let code = form.text("code", required: false, problems: &problems)
        let notificationID = reference.flatMap(UUIDText.parse)
        if reference != nil, notificationID == nil {
            problems.add("reference is not a notification id (UUID)")
        }
        guard problems.isEmpty, let notificationID, let status else { throw problems.error(for: provider) }
        return .receipt(ProviderReceipt(
            provider: provider,
            lookup: .id(notificationID),
            rawStatus: status,
            detailCode: code,
            providerTimestamp: form.timestamp("time")
        ))
    }
}
