/// When a `waiting` receipt is tried again, and when it is given up as `orphaned`.
///
/// Back-off doubles from ``initialDelay`` up to ``maximumDelay``; after ``giveUpAfter`` since the receipt arrived
/// it is orphaned. The schedule is pure: callers pass in the attempt count and the receipt's age.
public struct RetrySchedule: Sendable, Hashable {
    /// The wait before the first retry, in seconds.
    public var initialDelay: Double
    /// The longest wait between retries, in seconds.
    public var maximumDelay: Double
    /// How long after arrival a receipt stops waiting, in seconds.
    public var giveUpAfter: Double

    /// The gateway's schedule: 1 s doubling to 5 min, given up after 30 min.
    public static let standard = RetrySchedule(initialDelay: 1, maximumDelay: 300, giveUpAfter: 1800)

    /// Creates a schedule.
    public init(initialDelay: Double, maximumDelay: Double, giveUpAfter: Double) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.giveUpAfter = giveUpAfter
    }

    /// Seconds to wait after the given number of attempts (1 for the attempt made on arrival).
    public func delay(afterAttempts attempts: Int) -> Double {
        let doublings = min(max(attempts - 1, 0), 30)
        return min(initialDelay * Double(1 << doublings), maximumDelay)
    }

    /// Whether a receipt of this age (seconds since it arrived) that still waits is given up.
    public func shouldGiveUp(age: Double) -> Bool { age >= giveUpAfter }
}
