import CallbackCore
import CallbackStore
import Foundation

/// Builds receipts for store tests without going through HTTP (the server tests cover the adapters end to end).
enum ReceiptFactory {
    static func incoming(
        _ provider: Provider = .firetext,
        for lookup: NotificationLookup,
        rawStatus: String,
        target: MappingTarget?,
        detailCode: String? = nil,
        body: String? = nil,
        complaint: ComplaintDetails? = nil
    ) -> IncomingReceipt {
        let receipt = ProviderReceipt(
            provider: provider,
            lookup: lookup,
            rawStatus: rawStatus,
            detailCode: detailCode,
            complaint: complaint
        )
        return IncomingReceipt(
            mapped: MappedReceipt(receipt: receipt, mapping: MappingResult(target: target)),
            rawBody: body ?? "status=\(rawStatus)&nonce=\(UUID().uuidString)",
            contentType: "application/x-www-form-urlencoded"
        )
    }
}
