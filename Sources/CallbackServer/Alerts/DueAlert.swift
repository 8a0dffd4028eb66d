import Foundation

/// One alert taken from the ledger to be sent: the occurrences it reports, which go back to the ledger if the
/// send fails.
struct DueAlert: Sendable {
    /// What the alert is about.
    var key: AlertKey
    /// How many occurrences it reports.
    var count: Int
    /// When the first of them arrived.
    var firstSeen: Date
    /// For an unmapped status, the detail code of the latest occurrence that had one.
    var detailCode: String?
    /// For an "other statuses" key, a few of the statuses folded into it (already bounded).
    var examples: [String]
}
