/// What a provider status means, as the mapping table states it.
///
/// Most targets are notification statuses; two are not: ``failure`` is a failure the provider did not classify
/// (the transition rules decide whether it is temporary), and ``complaint`` records an email complaint without
/// touching the status.
public enum MappingTarget: String, Sendable, CaseIterable, Hashable, Codable {
    case delivered
    case pending
    case temporaryFailure = "temporary-failure"
    case permanentFailure = "permanent-failure"
    case technicalFailure = "technical-failure"
    case failure
    case complaint

    /// The status this target writes as it stands, or `nil` when the rules must decide (``failure``) or nothing is
    /// written (``complaint``).
    public var classifiedStatus: NotificationStatus? {
        switch self {
        case .delivered: .delivered
        case .pending: .pending
        case .temporaryFailure: .temporaryFailure
        case .permanentFailure: .permanentFailure
        case .technicalFailure: .technicalFailure
        case .failure, .complaint: nil
        }
    }
}
