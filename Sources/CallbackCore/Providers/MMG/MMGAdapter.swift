import Foundation

/// Reads MMG delivery receipts: a JSON object with `CID` (our notification id), `reference` (MMG's id), `MSISDN`,
/// `status` and `substatus` (each a string or a number), and `deliverytime`.
///
/// `MSISDN` is never read: the gateway has no use for the phone number and must not store it.
public struct MMGAdapter: ReceiptAdapter {
    /// Creates the adapter.
    public init() {}

    /// Always ``Provider/mmg``.
    public var provider: Provider { .mmg }

    /// MMG posts JSON.
    public var acceptedMediaTypes: Set<String> { ["application/json"] }

    private static let knownNames: Set<String> = ["CID", "reference", "MSISDN", "status", "substatus", "deliverytime"]

    /// Parses a receipt; `CID` and `status` are required and `CID` must be a UUID. A numeric `status` or
    /// `substatus` becomes its decimal text (`3`, `3.0` and `"3"` all give `"3"`); an unparsable `deliverytime` is
    /// simply absent.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem found.
    public func parse(_ payload: CallbackPayload) throws(InvalidCallback) -> ProviderMessage {
        var problems = ProblemList()
        guard PayloadText.text(of: payload.body, problems: &problems) != nil else {
            throw problems.error(for: provider)
        }
        guard let document = JSONValue.parse(payload.body) else {
            problems.add("body is not valid JSON")
            throw problems.error(for: provider)
        }
        guard case .object(let members) = document else {
            problems.add("body is not a JSON object")
            throw problems.error(for: provider)
        }
        let fields = JSONObjectReader(members, knownNames: Self.knownNames, problems: &problems)
        let cid = fields.scalarText("CID", required: true, problems: &problems)
        let status = fields.scalarText("status", required: true, problems: &problems)
        let mmgReference = fields.scalarText("reference", required: false, problems: &problems)
        let substatus = fields.scalarText("substatus", required: false, problems: &problems)
        let notificationID = cid.flatMap(UUIDText.parse)
        if cid != nil, notificationID == nil {
            problems.add("CID is not a notification id (UUID)")
        }
        guard problems.isEmpty, let notificationID, let status else { throw problems.error(for: provider) }
        return .receipt(ProviderReceipt(
            provider: provider,
            lookup: .id(notificationID),
            providerReference: mmgReference,
            rawStatus: status,
            reason: substatus,
            providerTimestamp: fields.timestamp("deliverytime")
        ))
    }
}
