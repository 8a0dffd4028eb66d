/// What one run of the timeout did.
public struct TimeoutResult: JobResult, Hashable {
    /// The notifications changed, by type and status written.
    public var timedOut: [TimedOutGroup]
    /// Notifications still `created` for longer than the timeout period, by type (every type present): they never
    /// reached a provider, so the timeout leaves them for an operator to look at.
    public var stuckCreated: [String: Int]
    /// How many statements (batches) it took.
    public var batches: Int

    /// Creates a result.
    public init(timedOut: [TimedOutGroup], stuckCreated: [String: Int], batches: Int) {
        self.timedOut = timedOut
        self.stuckCreated = stuckCreated
        self.batches = batches
    }

    public var rowsAffected: Int { timedOut.reduce(0) { $0 + $1.count } }
}
