/// Host names' addresses as last resolved, each kept for ``lifetime``, so a callback host is resolved once in that
/// time rather than at every send: a resolver asked thousands of times a second is a load of its own (in a cluster,
/// several queries a lookup), and every answer is a wait before the request can go.
///
/// Pinning still holds: the caller checks the addresses against ``CallbackURLPolicy`` at every send, cached or not,
/// and connects to exactly the one it checked, so a DNS answer can point a callback elsewhere only at the next
/// lookup, and is checked then. The caller forgets a host whose address stopped answering, so a service that moved
/// is looked up again at once rather than a lifetime later.
///
/// At most ``capacity`` hosts are kept: storing one more drops the expired ones, then, if none had expired, the one
/// resolved longest ago. The time is the caller's (`now`), so this type reads no clock.
public struct ResolvedHostCache: Sendable {
    /// How long a lookup's addresses are used.
    public let lifetime: Duration
    /// How many hosts are kept at most.
    public let capacity: Int
    private var entries: [String: Entry] = [:]

    private struct Entry: Sendable {
        var addresses: [IPAddress]
        var resolvedAt: ContinuousClock.Instant
    }

    /// An empty cache whose entries last `lifetime`, holding at most `capacity` hosts (at least 1).
    public init(lifetime: Duration, capacity: Int = 1024) {
        self.lifetime = lifetime
        self.capacity = max(capacity, 1)
    }

    /// The addresses `host` resolved to less than ``lifetime`` before `now`, or `nil` when it must be looked up.
    public func addresses(of host: String, at now: ContinuousClock.Instant) -> [IPAddress]? {
        guard let entry = entries[Self.key(host)], now - entry.resolvedAt < lifetime else { return nil }
        return entry.addresses
    }

    /// Keeps the addresses a lookup of `host` gave at `now`. An empty answer is not kept: a host that does not
    /// resolve is asked again at the next send.
    public mutating func store(_ addresses: [IPAddress], of host: String, at now: ContinuousClock.Instant) {
        guard !addresses.isEmpty, lifetime > .zero else { return }
        let key = Self.key(host)
        if entries[key] == nil, entries.count >= capacity {
            entries = entries.filter { now - $0.value.resolvedAt < lifetime }
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.resolvedAt < $1.value.resolvedAt })?.key {
                entries[oldest] = nil
            }
        }
        entries[key] = Entry(addresses: addresses, resolvedAt: now)
    }

    /// Drops what is kept for `host`, so the next send looks it up.
    public mutating func forget(_ host: String) {
        entries[Self.key(host)] = nil
    }

    /// How many hosts are kept now, expired ones included until they are replaced or dropped.
    public var count: Int { entries.count }

    /// Host names are case-insensitive.
    private static func key(_ host: String) -> String { host.lowercased() }
}
