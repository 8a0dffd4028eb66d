import Foundation

/// A calendar date in UTC, without a time of day: the unit in which retention keeps receipts and statistics count
/// them. Counting whole days (rather than multiples of 24 hours from some instant) is what keeps "the last seven
/// days" the same whenever in the day it is asked.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public let daysSinceEpoch: Int

    /// The seconds in a UTC day; Unix time has no leap seconds.
    static let secondsPerDay = 86_400

    /// The date `daysSinceEpoch` days after 1970-01-01.
    public init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// The date with this year, month (1–12) and day, or `nil` when there is no such day.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...CivilCalendar.daysIn(month: month, year: year)).contains(day) else { return nil }
        daysSinceEpoch = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
    }

    /// The UTC date of an instant.
    public init(utcOf instant: Date) {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        daysSinceEpoch = Int((Double(seconds) / Double(Self.secondsPerDay)).rounded(.down))
    }

    /// The date `count` days later (earlier when negative).
    public func adding(days count: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + count) }

    /// 00:00:00 UTC on this date.
    public var start: Date { Date(timeIntervalSince1970: Double(daysSinceEpoch * Self.secondsPerDay)) }

    /// The day of the week, 1 for Monday through 7 for Sunday (ISO 8601).
    public var isoWeekday: Int { ((daysSinceEpoch + 3) % 7 + 7) % 7 + 1 }  // 1970-01-01 was a Thursday

    /// `YYYY-MM-DD`.
    public var description: String {
        let (year, month, day) = CivilCalendar.civil(fromDays: daysSinceEpoch)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// Reads `YYYY-MM-DD`, or returns `nil`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public static func < (left: CivilDate, right: CivilDate) -> Bool { left.daysSinceEpoch < right.daysSinceEpoch }
}
