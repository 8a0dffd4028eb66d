/// What the transition rules decide for one receipt and the notification's current status.
public enum ReceiptDecision: Sendable, Hashable {
    /// Write this status.
    case write(NotificationStatus)
    /// Change nothing: the status is final, or already the one the receipt brings.
    case duplicate
    /// No notification in flight yet: keep the receipt and try again later.
    case waiting
    /// The mapping does not know the status: change nothing, keep the receipt, tell an operator.
    case unmapped
    /// Record an email complaint; the status stays as it is.
    case complaint
    /// Not about delivery: keep the receipt, change nothing, tell no one.
    case ignored

    /// The outcome recorded for the receipt.
    public var outcome: ReceiptOutcome {
        switch self {
        case .write: .applied
        case .duplicate: .duplicate
        case .waiting: .waiting
        case .unmapped: .unmapped
        case .complaint: .complaint
        case .ignored: .ignored
        }
    }

    /// The status written, for ``write(_:)``.
    public var statusWritten: NotificationStatus? {
        if case .write(let status) = self { return status }
        return nil
    }
}
