/// Where a callback owed to a service stands in the outbox. A callback the service accepted (2xx) is deleted from
/// it, so it has no state here.
public enum OutboxState: String, Sendable, CaseIterable, Hashable {
    /// Not sent yet: due now, or at its next attempt.
    case pending
    /// The service refused it (a 4xx other than 429); not tried again.
    case failed
    /// Every attempt failed; given up until an operator re-drives it.
    case dead
}

/// How many callbacks are owed and given up, for `/admin/stats` and the dashboard.
public struct OutboxCounts: Sendable, Hashable, Codable {
    /// Not sent yet.
    public var pending: Int
    /// Refused by their service.
    public var failed: Int
    /// Given up after every attempt.
    public var dead: Int

    /// Counts.
    public init(pending: Int, failed: Int, dead: Int) {
        (self.pending, self.failed, self.dead) = (pending, failed, dead)
    }
}
