/// The transition rules, composed in the order that makes them hold together, and worked out in advance for the
/// database. They are stated here only: the receipt statements take what these functions decide as parameters
/// (``ReceiptDecisions``) and carry it out under the notification's row lock.
public enum TransitionRules {
    /// Decides what a receipt does to a notification.
    ///
    /// - Parameters:
    ///   - target: what the mapping made of the receipt, `nil` when unmapped.
    ///   - current: the notification's status, `nil` when no notification matches.
    ///   - earlierWaiting: whether an earlier receipt for the same notification still waits: receipts for one
    ///     notification apply in the order they arrived, so a later one waits behind it (rule 4).
    public static func decide(target: MappingTarget?, current: NotificationStatus?, earlierWaiting: Bool = false) -> ReceiptDecision {
        guard !UnmappedRule.applies(to: target), let target else { return .unmapped }
        if IgnoreRule.applies(to: target) { return .ignored }
        if earlierWaiting { return .waiting }
        guard !NotYetRule.mustWait(current: current), let current else { return .waiting }
        if target == .complaint { return .complaint }
        guard InFlightRule.allowsChange(from: current) else { return .duplicate }
        guard let next = FailureClassificationRule.status(for: target, from: current) else { return .duplicate }
        if SameStatusRule.isDuplicate(current: current, next: next) { return .duplicate }
        return .write(next)
    }

    /// The rules for one target worked out in advance for both statuses that can change, so that the database
    /// can apply them in one statement under its row lock.
    public static func plan(for target: MappingTarget?) -> TransitionPlan {
        TransitionPlan(
            fromSending: decide(target: target, current: .sending).statusWritten,
            fromPending: decide(target: target, current: .pending).statusWritten
        )
    }
}
