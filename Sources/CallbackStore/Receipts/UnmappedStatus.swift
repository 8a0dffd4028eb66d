import CallbackCore
import Foundation

/// A status the mapping did not know, as stored receipts show it.
public struct UnmappedStatus: Sendable, Hashable, Codable {
    /// Who sent it.
    public var provider: Provider
    /// The status as sent.
    public var rawStatus: String
    /// The detail code sent with it, if any.
    public var detailCode: String?
    /// How many receipts carry it.
    public var count: Int
    /// When the first arrived.
    public var firstSeen: Date
    /// When the last arrived.
    public var lastSeen: Date

    /// Creates a summary row.
    public init(provider: Provider, rawStatus: String, detailCode: String?, count: Int, firstSeen: Date, lastSeen: Date) {
        self.provider = provider
        self.rawStatus = rawStatus
        self.detailCode = detailCode
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
