/// Everything the rules decide for one receipt, worked out for every status its notification may turn out to have,
/// so that the database can carry out the decision for the status it finds under the row lock without deciding
/// anything itself.
///
/// ```
/// target ──► TransitionRules.decide, for every status and for "an earlier receipt still waits"
///               │
///               ├─► plan: the status to write from `sending` and from `pending`        ($4, $5)
///               ├─► outcome by the status found, when nothing was written               ($18)
///               └─► outcome when an earlier receipt for the notification still waits    ($19)
/// ```
public struct ReceiptDecisions: Sendable, Hashable {
    /// The statuses in the order of ``outcomesWhenUnchanged``; the last entry is for no notification.
    public static let statusOrder: [NotificationStatus] = NotificationStatus.allCases

    /// The status to write from each status that can change.
    public let plan: TransitionPlan
    /// The outcome when the statement changed nothing, by the status it found (``statusOrder``, then one for no
    /// notification). Where the rules write a status, nothing changed only because another receipt changed the
    /// status first, under the row lock: a duplicate.
    public let outcomesWhenUnchanged: [ReceiptOutcome]
    /// The outcome when an earlier receipt for the same notification still waits.
    public let outcomeBehindEarlier: ReceiptOutcome

    /// The decisions for `target`. `givingUp`: a stored receipt that would still wait has waited as long as it may,
    /// and is `orphaned` instead.
    public init(target: MappingTarget?, givingUp: Bool = false) {
        func outcome(_ decision: ReceiptDecision) -> ReceiptOutcome {
            switch decision {
            case .write: .duplicate
            case .waiting: givingUp ? .orphaned : .waiting
            default: decision.outcome
            }
        }
        plan = TransitionRules.plan(for: target)
        outcomesWhenUnchanged = (Self.statusOrder.map { Optional($0) } + [nil]).map {
            outcome(TransitionRules.decide(target: target, current: $0))
        }
        outcomeBehindEarlier = outcome(TransitionRules.decide(target: target, current: .sending, earlierWaiting: true))
    }

    /// The outcome when nothing was written and the notification was found in `current` (`nil`: not found).
    public func outcomeWhenUnchanged(current: NotificationStatus?) -> ReceiptOutcome {
        guard let current, let index = Self.statusOrder.firstIndex(of: current) else { return outcomesWhenUnchanged.last! }
        return outcomesWhenUnchanged[index]
    }
}
