import CallbackCore

/// The parameters the receipt statements share, `$1` to `$11` (see ``ReceiptStatements``).
enum ReceiptParameters {
    static func shared(_ mapped: MappedReceipt, retryDelay: Double) -> [String?] {
        let receipt = mapped.receipt
        let plan = mapped.plan
        let notificationID: String?
        let reference: String?
        switch receipt.lookup {
        case .id(let id):
            notificationID = id.uuidString.lowercased()
            reference = receipt.providerReference
        case .reference(let providerReference):
            notificationID = nil
            reference = providerReference
        }
        return [
            notificationID,
            reference,
            mapped.mapping.target?.rawValue,
            plan.fromSending?.rawValue,
            plan.fromPending?.rawValue,
            receipt.provider.actor,
            receipt.provider.rawValue,
            String(retryDelay),
            receipt.complaint?.feedbackID,
            receipt.complaint?.complaintType,
            receipt.complaint?.complainedAt.map { String($0.timeIntervalSince1970) },
        ]
    }
}
