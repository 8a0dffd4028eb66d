import Foundation

/// Reads Postmark webhooks: a JSON object per event, `RecordType` its kind (the raw status), `Type` a bounce's
/// class (the detail), our notification id in `Metadata.notification_id` when the message was sent with it,
/// otherwise Postmark's `MessageID` as the notification's reference.
///
/// `Email` and `Recipient` (addresses) are never read.
public struct PostmarkAdapter: ReceiptAdapter {
    /// Creates the adapter.
    public init() {}

    /// Always ``Provider/postmark``.
    public var provider: Provider { .postmark }

    /// Postmark posts JSON.
    public var acceptedMediaTypes: Set<String> { ["application/json"] }

    /// The metadata key that carries our notification id.
    public static let notificationIDKey = "notification_id"

    private static let knownNames: Set<String> = [
        "RecordType", "MessageID", "Metadata", "Type", "TypeCode", "ID", "DeliveredAt", "BouncedAt", "ReceivedAt", "ChangedAt",
    ]

    /// Parses one event; `RecordType` is required, and one of `Metadata.notification_id` (a UUID) and `MessageID`.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem found.
    public func parse(_ payload: CallbackPayload) throws(InvalidCallback) -> ProviderMessage {
        var problems = ProblemList()
        guard let object = JSONBody.object(payload.body, problems: &problems) else { throw problems.error(for: provider) }
        let fields = JSONObjectReader(object, knownNames: Self.knownNames, problems: &problems)
        let recordType = fields.text("RecordType", required: true, problems: &problems)
        let messageID = fields.scalarText("MessageID", required: false, problems: &problems)
        let metadata = fields.object("Metadata", problems: &problems)
        let lookup = JSONBody.lookup(
            id: metadata?.scalarText(Self.notificationIDKey, required: false, problems: &problems), idName: "Metadata.\(Self.notificationIDKey)",
            reference: messageID, referenceName: "MessageID", problems: &problems
        )
        let isBounce = recordType == "Bounce" || recordType == "SpamComplaint"
        let bounceType = isBounce ? fields.text("Type", required: false, problems: &problems) : nil
        let bounceID = isBounce ? fields.scalarText("ID", required: false, problems: &problems) : nil
        let happened = fields.timestamp("DeliveredAt") ?? fields.timestamp("BouncedAt") ?? fields.timestamp("ReceivedAt")
            ?? fields.timestamp("ChangedAt")
        guard problems.isEmpty, let recordType, let lookup else { throw problems.error(for: provider) }
        return .receipt(ProviderReceipt(
            provider: provider,
            lookup: lookup,
            providerReference: messageID,
            rawStatus: recordType,
            detailCode: recordType == "Bounce" ? bounceType : nil,
            providerTimestamp: happened,
            complaint: isBounce ? ComplaintDetails(
                feedbackID: bounceID.map { "postmark:\($0)" }, complaintType: bounceType, complainedAt: fields.timestamp("BouncedAt")
            ) : nil
        ))
    }
}
