/// What a receipt writes from each status that can still change.
///
/// The store applies a plan atomically (`UPDATE ... SET status = CASE status WHEN 'sending' ...`), so the rules
/// are decided here, in one place, and the database only carries them out under its row lock.
public struct TransitionPlan: Sendable, Hashable {
    /// The status written when the notification is `sending`, or `nil` for no change.
    public var fromSending: NotificationStatus?
    /// The status written when the notification is `pending`, or `nil` for no change.
    public var fromPending: NotificationStatus?

    /// Creates a plan.
    public init(fromSending: NotificationStatus?, fromPending: NotificationStatus?) {
        self.fromSending = fromSending
        self.fromPending = fromPending
    }

    /// Whether the plan can change anything at all.
    public var changesAnything: Bool { fromSending != nil || fromPending != nil }
}
