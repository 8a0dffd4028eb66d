import Foundation

/// The receipts still waiting for their notification: how many, and when the oldest arrived.
public struct WaitingBacklog: Sendable, Hashable {
    /// How many receipts are `waiting`.
    public let count: Int
    /// When the oldest of them was received; `nil` when none waits.
    public let oldestReceivedAt: Date?

    /// Creates a backlog.
    public init(count: Int, oldestReceivedAt: Date?) {
        self.count = count
        self.oldestReceivedAt = oldestReceivedAt
    }
}
