/// Rule 1, **only rows still in flight change**: a receipt may change a notification only while it is `sending` or
/// `pending`; any other status is final for receipts, so a status never changes twice.
public enum InFlightRule {
    /// Whether a receipt may change a notification in this status.
    public static func allowsChange(from current: NotificationStatus) -> Bool { current.isInFlight }
}
