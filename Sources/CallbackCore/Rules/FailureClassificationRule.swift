/// Rule 2, **a failure is temporary only while pending**: a failure the provider did not classify becomes
/// `temporary-failure` when the notification is `pending` (the network accepted it, so the phone may come back)
/// and `permanent-failure` otherwise. A failure the provider classified keeps its classification.
public enum FailureClassificationRule {
    /// The status a target writes from the current status, or `nil` for a complaint, which writes none.
    public static func status(for target: MappingTarget, from current: NotificationStatus) -> NotificationStatus? {
        if target == .failure { return current == .pending ? .temporaryFailure : .permanentFailure }
        return target.classifiedStatus
    }
}
