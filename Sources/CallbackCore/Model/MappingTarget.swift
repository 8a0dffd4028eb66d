/// What a provider status means, as the mapping table states it.
///
/// Most targets are notification statuses; three are not: ``failure`` is a failure the provider did not classify
/// (the transition rules decide whether it is temporary), ``complaint`` records an email complaint without
/// touching the status, and ``ignore`` is an event that is not about delivery (an open, a click, an inbound
/// message): stored and counted, never applied, never alerted.
public enum MappingTarget: String, Sendable, CaseIterable, Hashable, Codable {
    case delivered
    case pending
    case temporaryFailure = "temporary-failure"
    case permanentFailure = "permanent-failure"
    case technicalFailure = "technical-failure"
    case failure
    case complaint
    case ignore

    /// The status this target writes as it stands, or `nil` when the rules must decide (``failure``) or nothing is
    /// written (``complaint``).
    public var classifiedStatus: NotificationStatus? {
        switch self {
        case .delivered: .delivered
        case .pending: .pending
        case .temporaryFailure: .temporaryFailure
        case .permanentFailure: .permanentFailure
        case .technicalFailure: .technicalFailure
        case .failure, .complaint, .ignore: nil
        }
    }
}
