/// Why a `limit_days` value was refused.
public enum StatsWindowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a whole number within ``StatsWindow/allowedLimitDays``.
    case outOfRange

    public var description: String {
        let range = StatsWindow.allowedLimitDays
        return "limit_days must be a whole number from \(range.lowerBound) to \(range.upperBound) (the days before today to include; default \(StatsWindow.defaultLimitDays))"
    }
}
