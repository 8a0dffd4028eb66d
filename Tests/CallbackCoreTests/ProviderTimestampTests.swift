import Foundation
import Testing

@testable import CallbackCore

@Suite("Provider timestamps")
struct ProviderTimestampTests {
    /// Formats an instant as ISO 8601 UTC with milliseconds (rounded, as `Date` holds binary fractions), so
    /// expectations read like the timestamps themselves.
    static func utc(_ date: Date?) -> String? {
        guard let date else { return nil }
        let milliseconds = Int((date.timeIntervalSince1970 * 1_000).rounded())
        let wholeSeconds = Date(timeIntervalSince1970: Double(milliseconds / 1_000))
        let formatter = ISO8601DateFormatter()  // "2016-07-01T11:00:00Z"
        return formatter.string(from: wholeSeconds).dropLast() + String(format: ".%03dZ", milliseconds % 1_000)
    }

    @Test(
        "local UK time becomes UTC on both sides of the clock changes",
        arguments: [
            ("2016-01-01 12:00:00", "2016-01-01T12:00:00.000Z"),  // winter: GMT
            ("2016-07-01 12:00:00", "2016-07-01T11:00:00.000Z"),  // summer: BST
            ("2026-03-29 00:59:59", "2026-03-29T00:59:59.000Z"),  // last second of GMT
            ("2026-03-29 02:00:00", "2026-03-29T01:00:00.000Z"),  // first second of BST
            ("2026-03-29 02:30:00", "2026-03-29T01:30:00.000Z"),
            ("2026-03-29 01:30:00", "2026-03-29T01:30:00.000Z"),  // skipped hour: read as GMT
            ("2026-10-25 00:30:00", "2026-10-24T23:30:00.000Z"),
            ("2026-10-25 01:30:00", "2026-10-25T00:30:00.000Z"),  // repeated hour: the first, in BST
            ("2026-10-25 02:00:00", "2026-10-25T02:00:00.000Z"),  // back on GMT
            ("2016-03-10 14:17:00", "2016-03-10T14:17:00.000Z"),
            ("2016-04-05 16:01:07", "2016-04-05T15:01:07.000Z"),
            ("2016-07-10T15:17:00", "2016-07-10T14:17:00.000Z"),
        ]
    )
    func localTime(text: String, expected: String) {
        #expect(Self.utc(ProviderTimestamp.parse(text)) == expected)
    }

    @Test(
        "an explicit offset or Z wins over UK time",
        arguments: [
            ("2016-07-10 16:17:00+0200", "2016-07-10T14:17:00.000Z"),
            ("2016-07-10 16:17:00+02:00", "2016-07-10T14:17:00.000Z"),
            ("2016-07-10 16:17:00+02", "2016-07-10T14:17:00.000Z"),
            ("2016-07-10 09:47:00-04:30", "2016-07-10T14:17:00.000Z"),
            ("2016-07-10T14:17:00Z", "2016-07-10T14:17:00.000Z"),
            ("2016-07-10T14:17:00+00:00", "2016-07-10T14:17:00.000Z"),
            ("2017-11-17T12:14:03.646Z", "2017-11-17T12:14:03.646Z"),
        ]
    )
    func explicitOffset(text: String, expected: String) {
        #expect(Self.utc(ProviderTimestamp.parse(text)) == expected)
    }

    @Test("fractional seconds are kept, to the nanosecond and no further")
    func fractionalSeconds() throws {
        let base = try #require(ProviderTimestamp.parse("2016-01-01 00:00:00Z"))
        let precise = try #require(ProviderTimestamp.parse("2016-01-01 00:00:00.123456789123Z"))
        let comma = try #require(ProviderTimestamp.parse("2016-01-01 00:00:00,5Z"))
        #expect(abs(precise.timeIntervalSince(base) - 0.123456789) < 1e-6)
        #expect(comma.timeIntervalSince(base) == 0.5)
    }

    @Test("surrounding spaces are ignored")
    func surroundingSpaces() {
        #expect(Self.utc(ProviderTimestamp.parse("  2016-01-01 12:00:00\t")) == "2016-01-01T12:00:00.000Z")
    }

    @Test(
        "anything else is nil, never an error",
        arguments: [
            "", " ", "bananas", "2016-13-01 12:00:00", "2016-00-10 12:00:00", "2016-02-30 12:00:00",
            "2015-02-29 12:00:00", "2016-04-31 00:00:00", "2016-01-01 25:00:00", "2016-01-01 24:00:00",
            "2016-01-01 12:60:00", "2016-01-01 12:00:60", "0000-01-01 00:00:00", "2016-01-01", "2016-01-01 12:00",
            "2016-1-01 12:00:00", "2016-01-01x12:00:00", "2016-01-01 12:00:00.", "2016-01-01 12:00:00+", "2016-01-01 12:00:00+2",
            "2016-01-01 12:00:00+24:00", "2016-01-01 12:00:00+01:60", "2016-01-01 12:00:00+01:00:00",
            "2016-01-01 12:00:00Zjunk", "2016-01-01 12:00:00 +01:00", "２016-01-01 12:00:00", "\u{0}",
            "2016-01-01 12:00:0\u{0}", "+2016-01-01 12:00:00", "-016-01-01 12:00:00",
        ]
    )
    func unparsable(text: String) {
        #expect(ProviderTimestamp.parse(text) == nil)
    }

    @Test("leap days exist only in leap years")
    func leapDays() {
        #expect(Self.utc(ProviderTimestamp.parse("2016-02-29 12:00:00")) == "2016-02-29T12:00:00.000Z")
        #expect(Self.utc(ProviderTimestamp.parse("2000-02-29 12:00:00")) == "2000-02-29T12:00:00.000Z")
        #expect(ProviderTimestamp.parse("1900-02-29 12:00:00") == nil)
    }

    @Test(
        "seconds since 1970 within the years 1 to 9999 are instants; anything else is no timestamp",
        arguments: [
            (1_795_947_300.5, "2026-11-29T10:15:00.500Z"),
            (0, "1970-01-01T00:00:00.000Z"),
            (253_402_300_799, "9999-12-31T23:59:59.000Z"),
            (253_402_300_800, nil),  // year 10000: PostgreSQL would store it, but no provider means it
            (-62_135_596_801, nil),  // before year 1
            (1e32, nil),  // a mutated Mailgun receipt's timestamp, once answered 503 for ever
            (.infinity, nil),
            (.nan, nil),
        ] as [(Double, String?)]
    )
    func unixSeconds(seconds: Double, expected: String?) {
        #expect(Self.utc(ProviderTimestamp.unixSeconds(seconds)) == expected)
    }

    /// The UK rule, checked against the host's time zone database wherever that is installed: every UTC instant
    /// on the hour through March and October, and noon every day, from 1996 to 2037, written as London local time,
    /// must read back as the same instant, except the second run through October's repeated hour, which reads as
    /// the first.
    @Test("the UK rule agrees with the time zone database")
    func agreesWithTimeZoneDatabase() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = london
        let start = try #require(ProviderTimestamp.parse("1996-01-01 00:00:00Z"))
        let end = try #require(ProviderTimestamp.parse("2038-01-01 00:00:00Z"))
        var mismatches: [String] = []
        var instant = start
        while instant < end {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
            let hourly = parts.month == 3 || parts.month == 10
            if hourly || parts.hour == 12, let year = parts.year, let month = parts.month, let day = parts.day,
               let hour = parts.hour, let minute = parts.minute, let second = parts.second {
                let local = String(format: "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute, second)
                let parsed = ProviderTimestamp.parse(local)
                let repeatedHour = london.secondsFromGMT(for: instant) == 0
                    && london.secondsFromGMT(for: instant.addingTimeInterval(-3_600)) == 3_600
                let expected = repeatedHour ? instant.addingTimeInterval(-3_600) : instant
                if parsed != expected { mismatches.append(local) }
            }
            instant = instant.addingTimeInterval(3_600)
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }
}
