/// What became of a receipt. Stored with every receipt and returned to the provider.
public enum ReceiptOutcome: String, Sendable, CaseIterable, Hashable, Codable {
    /// The receipt changed the notification's status.
    case applied
    /// The receipt changed nothing: the status was already final or already the same, or the very same receipt
    /// was received before.
    case duplicate
    /// No notification in flight matches yet; the receipt is retried with back-off.
    case waiting
    /// The receipt waited for its notification longer than the retry period and was given up.
    case orphaned
    /// The mapping does not know the provider's status; the notification is untouched.
    case unmapped
    /// An email complaint was recorded; the status is untouched.
    case complaint
    /// The event is not about delivery (an open, a click); stored and counted, never applied.
    case ignored
    /// One event of a batch could not be read; stored with its raw text so that the rest of the batch is not sent
    /// again for it.
    case invalid
}
