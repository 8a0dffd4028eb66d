import Foundation

/// Reads the compact `YYMMDDhhmm` times SMS carriers put in delivery reports (Twilio's `RawDlrDoneDate`, Vonage's
/// `scts`), as UTC: neither provider states a zone, and carriers differ.
public enum CompactTimestamp {
    /// The instant, or `nil` when `text` is not ten digits naming a real date and time (years 2000–2099).
    public static func parse(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 10, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        func number(_ start: Int) -> Int { Int(digits[start] - 0x30) * 10 + Int(digits[start + 1] - 0x30) }
        let year = 2000 + number(0), month = number(2), day = number(4), hour = number(6), minute = number(8)
        guard (1...12).contains(month), hour < 24, minute < 60, day >= 1, day <= CivilCalendar.daysIn(month: month, year: year) else {
            return nil
        }
        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60))
    }
}
