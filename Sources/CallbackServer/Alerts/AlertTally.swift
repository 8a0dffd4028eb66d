import Foundation

/// The ledger's state for one key: occurrences not yet reported, and when the key may next be alerted.
struct AlertTally: Sendable {
    /// How many examples an "other statuses" key keeps; enough to recognise the pattern, bounded because an
    /// attacker controls them.
    static let maximumExamples = 5

    /// Occurrences not yet reported by a delivered alert (nor by the one in flight).
    var count = 0
    /// When the first of those occurrences arrived; `nil` when there are none.
    var firstSeen: Date?
    /// The latest detail code seen with an unmapped status.
    var detailCode: String?
    /// For an "other statuses" key: a few of the statuses folded in since the last alert.
    var examples: [String] = []
    /// When the key may be alerted again; `nil` until its first alert, so a first occurrence goes out at once.
    var nextDue: ContinuousClock.Instant?
    /// Whether an alert for this key is being sent; its occurrences are in the ``DueAlert``, not in ``count``.
    var isSending = false

    /// Adds occurrences that arrived at `firstSeen` or later.
    mutating func add(count: Int, firstSeen: Date, detailCode: String?, examples: [String]) {
        self.count += count
        self.firstSeen = min(self.firstSeen ?? firstSeen, firstSeen)
        if let detailCode { self.detailCode = detailCode }
        for example in examples where self.examples.count < Self.maximumExamples && !self.examples.contains(example) {
            self.examples.append(example)
        }
    }

    /// Whether the tally holds nothing a fresh one would not: no occurrences, no send under way, and no cooldown
    /// still running. Such a tally can be dropped to free its place in the table.
    func isIdle(at now: ContinuousClock.Instant) -> Bool {
        count == 0 && !isSending && (nextDue.map { $0 <= now } ?? true)
    }
}
