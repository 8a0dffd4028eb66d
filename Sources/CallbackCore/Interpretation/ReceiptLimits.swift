/// Bounds on the values that are looked up by index once stored. A provider's message id or complaint id is a few
/// dozen characters; anything far longer is not a real receipt, and would not fit a database index row, so it is
/// refused with a 400 rather than failing in the database on every resend.
enum ReceiptLimits {
    static let maximumIdentifierBytes = 256

    static func check(_ receipt: ProviderReceipt) throws(InvalidCallback) {
        var problems: [String] = []
        if let reference = receipt.providerReference, reference.utf8.count > maximumIdentifierBytes {
            problems.append("the provider's message reference is longer than \(maximumIdentifierBytes) bytes")
        }
        if let feedback = receipt.complaint?.feedbackID, feedback.utf8.count > maximumIdentifierBytes {
            problems.append("complaint.feedbackId is longer than \(maximumIdentifierBytes) bytes")
        }
        if !problems.isEmpty { throw InvalidCallback(provider: receipt.provider, problems: problems) }
    }
}
