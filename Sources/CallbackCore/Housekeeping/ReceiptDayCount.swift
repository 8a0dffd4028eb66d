/// How many receipts one provider sent on one UTC date that ended with one outcome.
public struct ReceiptDayCount: Sendable, Hashable {
    /// The UTC date the receipts were received.
    public var day: CivilDate
    /// The provider that sent them.
    public var provider: Provider
    /// What became of them.
    public var outcome: ReceiptOutcome
    /// How many there were.
    public var count: Int

    /// Creates a count.
    public init(day: CivilDate, provider: Provider, outcome: ReceiptOutcome, count: Int) {
        self.day = day
        self.provider = provider
        self.outcome = outcome
        self.count = count
    }
}
