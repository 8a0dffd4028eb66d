/// Receipts per day, provider and outcome over a ``StatsWindow``, with every day, provider and outcome present:
/// a quiet day or provider shows as zeros rather than being missing, so readers never have to guess.
public struct ReceiptStats: Sendable, Hashable {
    /// One date's counts.
    public struct Day: Sendable, Hashable {
        /// The UTC date.
        public var date: CivilDate
        /// For every provider, the count of every outcome (zero when none).
        public var counts: [Provider: [ReceiptOutcome: Int]]

        /// The count for one provider and outcome.
        public func count(_ provider: Provider, _ outcome: ReceiptOutcome) -> Int { counts[provider]?[outcome] ?? 0 }
    }

    /// The window counted.
    public let window: StatsWindow
    /// Every date of the window, oldest first.
    public let days: [Day]

    /// Spreads `counts` over the window; counts outside it are ignored.
    public init(window: StatsWindow, counts: [ReceiptDayCount]) {
        self.window = window
        let zeros = Dictionary(uniqueKeysWithValues: Provider.allCases.map { provider in
            (provider, Dictionary(uniqueKeysWithValues: ReceiptOutcome.allCases.map { ($0, 0) }))
        })
        var byDay = Dictionary(uniqueKeysWithValues: window.days.map { ($0, zeros) })
        for count in counts where byDay[count.day] != nil {
            byDay[count.day]?[count.provider]?[count.outcome, default: 0] += count.count
        }
        days = window.days.map { Day(date: $0, counts: byDay[$0] ?? zeros) }
    }
}
