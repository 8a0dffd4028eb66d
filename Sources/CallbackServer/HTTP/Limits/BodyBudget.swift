import Synchronization

/// The request-body bytes the gateway holds at once while bodies arrive, across every connection, and their limit
/// (`MAX_BUFFERED_BODY_BYTES`).
///
/// A request's body is read whole before the gateway works on it, so that a client slow to send it costs no request
/// slot; this budget bounds the memory such bodies take meanwhile. Each byte is reserved as it arrives and released
/// when the request is passed on (by ``ClientConnectionHandler``) or answered (by ``ConcurrencyLimitMiddleware``).
public final class BodyBudget: Sendable {
    /// The most bytes held at once.
    public let limit: Int
    private let used = Atomic<Int>(0)

    /// Creates an empty budget of `limit` bytes.
    public init(limit: Int) {
        self.limit = limit
    }

    /// Reserves `count` bytes; `false` (and nothing reserved) when that would pass the limit.
    public func reserve(_ count: Int) -> Bool {
        let now = used.wrappingAdd(count, ordering: .relaxed).newValue
        if now <= limit { return true }
        used.wrappingSubtract(count, ordering: .relaxed)
        return false
    }

    /// Gives back `count` reserved bytes.
    public func release(_ count: Int) {
        used.wrappingSubtract(count, ordering: .relaxed)
    }

    /// The bytes held now.
    public var held: Int { used.load(ordering: .relaxed) }
}
