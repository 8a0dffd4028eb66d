import Foundation

/// A delivery receipt as a provider sent it, parsed but not yet interpreted.
public struct ProviderReceipt: Sendable, Hashable {
    /// Who sent it.
    public var provider: Provider
    /// Which notification it is about.
    public var lookup: NotificationLookup
    /// The provider's own id for the message, when it sends one (MMG `reference`, SES `messageId`).
    public var providerReference: String?
    /// The provider's status, exactly as sent (`"1"`, `"3"`, `"Bounce"`).
    public var rawStatus: String
    /// A finer status the mapping may consult (Firetext `code`, SES `bounceType`).
    public var detailCode: String?
    /// A reason given for the log only (MMG `substatus`); never part of the mapping.
    public var reason: String?
    /// When the provider says the status happened, in UTC; `nil` when absent or unparsable.
    public var providerTimestamp: Date?
    /// Set when the receipt is an email complaint.
    public var complaint: ComplaintDetails?

    /// Creates a receipt.
    public init(
        provider: Provider,
        lookup: NotificationLookup,
        providerReference: String? = nil,
        rawStatus: String,
        detailCode: String? = nil,
        reason: String? = nil,
        providerTimestamp: Date? = nil,
        complaint: ComplaintDetails? = nil
    ) {
        self.provider = provider
        self.lookup = lookup
        self.providerReference = providerReference
        self.rawStatus = rawStatus
        self.detailCode = detailCode
        self.reason = reason
        self.providerTimestamp = providerTimestamp
        self.complaint = complaint
    }
}
