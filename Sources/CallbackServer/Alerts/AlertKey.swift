import CallbackCore

/// What one alert counts: occurrences with the same key are summed into one alert per cooldown.
struct AlertKey: Hashable, Sendable {
    let kind: AlertKind
    let provider: Provider
    /// The provider's status, cut to ``LogSafe/maximumLength`` (so that a hostile status cannot make a key
    /// large); `nil` for the "other statuses" key that takes the overflow once the table is full.
    let rawStatus: String?
    /// For ``AlertKind/unknownDetailCode``, the code, cut the same way; `nil` otherwise. An unmapped status is
    /// keyed without its code: the status is what the mapping lacks, whatever code came with it.
    let detailCode: String?

    /// The key of one occurrence, with the request's values bounded.
    init(kind: AlertKind, provider: Provider, rawStatus: String, detailCode: String?) {
        self.init(kind: kind, provider: provider, boundedStatus: LogSafe.bounded(rawStatus), boundedCode: detailCode.map(LogSafe.bounded))
    }

    private init(kind: AlertKind, provider: Provider, boundedStatus: String?, boundedCode: String?) {
        self.kind = kind
        self.provider = provider
        rawStatus = boundedStatus
        detailCode = boundedCode
    }

    /// The key under which a provider's further statuses of one kind are counted once the table is full.
    static func otherStatuses(kind: AlertKind, provider: Provider) -> AlertKey {
        AlertKey(kind: kind, provider: provider, boundedStatus: nil, boundedCode: nil)
    }

    /// Whether this is an "other statuses" key.
    var isOtherStatuses: Bool { rawStatus == nil }
}
