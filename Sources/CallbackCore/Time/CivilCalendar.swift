/// Proleptic Gregorian calendar arithmetic and the UK summer-time rule, exact and without Foundation, so
/// ``ProviderTimestamp`` needs neither a `Calendar` nor the host's time zone database.
enum CivilCalendar {
    /// Days from 1970-01-01 to the given date (negative before it), by Howard Hinnant's `days_from_civil`.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day counted from 1970-01-01, by Howard Hinnant's `civil_from_days` (the inverse of
    /// ``daysSinceEpoch(year:month:day:)``).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The number of days in a month (1–12) of a year.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The offset of UK civil time from UTC, in seconds, for a local time given as seconds since the epoch as if it
    /// were UTC: 3600 during British Summer Time, else 0.
    ///
    /// BST starts at 01:00 GMT on the last Sunday of March (local 01:00 jumps to 02:00) and ends at 01:00 GMT on the
    /// last Sunday of October (local 02:00 falls back to 01:00). Local times in the skipped hour read as GMT; local
    /// times in the repeated hour read as BST, the earlier of the two instants.
    static func ukOffset(localSeconds: Int, year: Int) -> Int {
        let summerStarts = lastSunday(month: 3, year: year) * 86_400 + 2 * 3_600
        let summerEnds = lastSunday(month: 10, year: year) * 86_400 + 2 * 3_600
        return (summerStarts..<summerEnds).contains(localSeconds) ? 3_600 : 0
    }

    /// The last Sunday of a 31-day month, in days since the epoch.
    private static func lastSunday(month: Int, year: Int) -> Int {
        let lastDay = daysSinceEpoch(year: year, month: month, day: 31)
        let weekday = ((lastDay + 4) % 7 + 7) % 7  // 0 is Sunday; 1970-01-01 was a Thursday
        return lastDay - weekday
    }

    private static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }
}
