/// Rule 3, **same status again is a duplicate**: two `pending` receipts make one change and one history row.
public enum SameStatusRule {
    /// Whether writing `next` over `current` would change nothing.
    public static func isDuplicate(current: NotificationStatus, next: NotificationStatus) -> Bool { current == next }
}
