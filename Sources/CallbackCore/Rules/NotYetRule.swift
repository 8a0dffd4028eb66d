/// Rule 4, **not there yet**: a receipt can beat the sender's own update. When no notification matches, or it is
/// still `created`, the receipt waits and is retried.
public enum NotYetRule {
    /// Whether the receipt must wait, given the notification's current status (`nil` when none matches).
    public static func mustWait(current: NotificationStatus?) -> Bool {
        guard let current else { return true }
        return current == .created
    }
}
