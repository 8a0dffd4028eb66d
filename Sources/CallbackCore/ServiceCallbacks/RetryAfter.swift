import Foundation

/// A service's `Retry-After` header (RFC 9110 §10.2.3): how long it asks the gateway to wait before the next attempt
/// of a callback, given either as whole seconds (`120`) or as an HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`).
///
/// Pure: the time an HTTP-date is measured from is passed in, so the answer does not depend on when it runs. The wait
/// is clamped to 0 ... ``maximum``, so a service cannot park its callbacks for days with one header (nor ask for a
/// negative wait with a date in the past).
public enum RetryAfter {
    /// The longest wait a service can ask for: one hour.
    public static let maximum: Duration = .seconds(3_600)

    /// The wait `value` asks for, measured from `now`, clamped to 0 ... ``maximum``; `nil` when `value` is neither
    /// a number of seconds nor an HTTP-date (then the caller's own back-off applies).
    public static func wait(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // More digits than an Int holds is still a number of seconds, just a very large one.
            guard let seconds = Int(text) else { return maximum }
            return clamp(.seconds(seconds))
        }
        guard let date = httpDate(text, now: now) else { return nil }
        let seconds = date.timeIntervalSince(now)
        guard seconds > 0 else { return .zero }
        // Whole milliseconds are plenty for a wait, and keep the arithmetic clear of Double's rounding.
        return clamp(.milliseconds(Int64(min(seconds, 86_400 * 365) * 1_000)))
    }

    /// The instant an HTTP-date names, in any of the three forms a recipient must accept: IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
    /// (`Sun Nov  6 08:49:37 1994`). The weekday is not checked against the date; `nil` for anything else. `now`
    /// places the RFC 850 form's two-digit year in its century.
    public static func httpDate(_ text: String, now: Date) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        let day: Int?, month: Int?, year: Int?, time: String
        switch tokens.count {
        case 6 where tokens[5] == "GMT":
            // IMF-fixdate: weekday, day, month, four-digit year, time, GMT.
            (day, month, year, time) = (number(tokens[1], digits: 2), monthNumber(tokens[2]), number(tokens[3], digits: 4), tokens[4])
        case 4 where tokens[3] == "GMT":
            // RFC 850: weekday, day-month-two-digit-year, time, GMT.
            let parts = tokens[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let short = number(parts[2], digits: 2) else { return nil }
            // RFC 9110: a two-digit year that would be more than 50 years ahead of now is in the previous century.
            let thisYear = CivilCalendar.civil(fromDays: Int((now.timeIntervalSince1970 / 86_400).rounded(.down))).year
            var fullYear = thisYear - thisYear % 100 + short
            if fullYear > thisYear + 50 { fullYear -= 100 }
            (day, month, year, time) = (number(parts[0], digits: 2), monthNumber(parts[1]), fullYear, tokens[2])
        case 5:
            // asctime: weekday, month, day (one or two digits, space-padded), time, four-digit year.
            (day, month, year, time) = (number(tokens[2], digits: 1...2), monthNumber(tokens[1]), number(tokens[4], digits: 4), tokens[3])
        default:
            return nil
        }
        let clock = time.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let day, let month, let year, clock.count == 3,
              let hour = number(clock[0], digits: 2), let minute = number(clock[1], digits: 2), let second = number(clock[2], digits: 2),
              (1...CivilCalendar.daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + min(second, 59)))
    }

    private static func clamp(_ wait: Duration) -> Duration {
        min(max(wait, .zero), maximum)
    }

    private static func number(_ text: String, digits: Int) -> Int? {
        number(text, digits: digits...digits)
    }

    private static func number(_ text: String, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text)
    }

    private static func monthNumber(_ text: String) -> Int? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return months.firstIndex(of: text).map { $0 + 1 }
    }
}
