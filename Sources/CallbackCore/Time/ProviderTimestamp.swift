import Foundation

/// Reads the timestamps providers put in receipts (Firetext `time`, MMG `deliverytime`, SES `timestamp`).
///
/// Accepted: `yyyy-MM-dd HH:mm:ss` or `yyyy-MM-ddTHH:mm:ss`, optional fractional seconds, optional `Z`, `±HH:MM`,
/// `±HHMM` or `±HH`. Without an offset the time is UK civil time (Firetext and MMG send it that way), converted to
/// UTC with the UK rule in force since 1996: British Summer Time from 01:00 UTC on the last Sunday of March to
/// 01:00 UTC on the last Sunday of October. The rule is computed rather than read from the system's time zone
/// database, so the result never depends on the host having tzdata installed; a time that does not exist
/// (01:xx on the March change) is read as GMT, and a time that happens twice (01:xx on the October change) as
/// the first of the two, in BST.
///
/// Runs for every request, so it scans the UTF-8 bytes in place: no formatter, no regular expression.
public enum ProviderTimestamp {
    /// The instant `text` names, or `nil` when it is not a timestamp in an accepted form or names a date or time
    /// that does not exist (month 13, 30 February, hour 24). Surrounding spaces are ignored.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = ByteScanner(bytes: bytes)
            return scanner.timestamp()
        }
    }

    /// The instant `seconds` after 1970-01-01 UTC, or `nil` when it is not finite or falls outside the years 1 to
    /// 9999, the range `parse` accepts and PostgreSQL stores without complaint.
    public static func unixSeconds(_ seconds: Double) -> Date? {
        guard seconds.isFinite, (earliestSeconds...latestSeconds).contains(seconds) else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in seconds since 1970.
    private static let earliestSeconds = -62_135_596_800.0
    private static let latestSeconds = 253_402_300_799.0

    private static let secondsPerDay = 86_400
    private static let secondsPerHour = 3_600

    /// A cursor over the bytes; every read checks the bounds, so no input can read outside them.
    private struct ByteScanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int
        var end: Int

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            index = 0
            end = bytes.count
            while index < end, Self.isSpace(bytes[index]) { index += 1 }
            while end > index, Self.isSpace(bytes[end - 1]) { end -= 1 }
        }

        mutating func timestamp() -> Date? {
            guard let year = number(digits: 4), skip("-"),
                  let month = number(digits: 2), skip("-"),
                  let day = number(digits: 2), skip(" ") || skip("T") || skip("t"),
                  let hour = number(digits: 2), skip(":"),
                  let minute = number(digits: 2), skip(":"),
                  let second = number(digits: 2),
                  let fraction = fraction(),
                  let offset = offset(), index == end
            else { return nil }
            guard (1...9999).contains(year), (1...12).contains(month),
                  (1...CivilCalendar.daysIn(month: month, year: year)).contains(day),
                  (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
            else { return nil }
            let localSeconds = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day) * secondsPerDay
                + hour * secondsPerHour + minute * 60 + second
            let offsetSeconds = offset ?? CivilCalendar.ukOffset(localSeconds: localSeconds, year: year)
            return Date(timeIntervalSince1970: Double(localSeconds - offsetSeconds) + fraction)
        }

        /// Fractional seconds after `.` or `,`; `0` when there are none, `nil` when the separator has no digits.
        private mutating func fraction() -> Double? {
            guard skip(".") || skip(",") else { return 0 }
            var value = 0.0
            var scale = 1.0
            var count = 0
            while index < end, let digit = Self.digit(bytes[index]) {
                if count < 9 {
                    scale /= 10
                    value += Double(digit) * scale
                }
                count += 1
                index += 1
            }
            return count > 0 ? value : nil
        }

        /// The offset from UTC in seconds: `.some(nil)` when none is given, `nil` when one is malformed.
        private mutating func offset() -> Int?? {
            if index == end { return .some(nil) }
            if skip("Z") || skip("z") { return 0 }
            let sign: Int
            if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
            guard let hours = number(digits: 2), hours <= 23 else { return nil }
            var minutes = 0
            if index < end {
                _ = skip(":")
                guard let parsed = number(digits: 2), parsed <= 59 else { return nil }
                minutes = parsed
            }
            return sign * (hours * secondsPerHour + minutes * 60)
        }

        private mutating func number(digits: Int) -> Int? {
            guard end - index >= digits else { return nil }
            var value = 0
            for _ in 0..<digits {
                guard let digit = Self.digit(bytes[index]) else { return nil }
                value = value * 10 + digit
                index += 1
            }
            return value
        }

        private mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < end, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        private static func digit(_ byte: UInt8) -> Int? {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
        }

        private static func isSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
        }
    }
}
