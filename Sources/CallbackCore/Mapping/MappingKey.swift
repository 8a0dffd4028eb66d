/// What a mapping line matches: a provider's status and, optionally, a detail code.
public struct MappingKey: Sendable, Hashable, Comparable {
    /// The provider that sends the status.
    public var provider: Provider
    /// The status exactly as the provider sends it.
    public var rawStatus: String
    /// A finer code the provider sends with the status, or `nil` for the status as a whole.
    public var detailCode: String?

    /// Creates a key.
    public init(provider: Provider, rawStatus: String, detailCode: String? = nil) {
        self.provider = provider
        self.rawStatus = rawStatus
        self.detailCode = detailCode
    }

    /// Orders keys by provider, status, then detail (a status's own line before its details), as `mappings show`
    /// prints them.
    public static func < (lhs: MappingKey, rhs: MappingKey) -> Bool {
        if lhs.provider != rhs.provider { return lhs.provider < rhs.provider }
        if lhs.rawStatus != rhs.rawStatus { return lhs.rawStatus < rhs.rawStatus }
        return (lhs.detailCode ?? "") < (rhs.detailCode ?? "")
    }
}
