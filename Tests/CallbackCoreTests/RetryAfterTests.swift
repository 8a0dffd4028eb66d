import CallbackCore
import Foundation
import Testing

/// `Retry-After` as services send it: seconds or an HTTP-date in any of its three forms, clamped to 0 ... 1 h.
@Suite("RetryAfter")
struct RetryAfterTests {
    /// 2026-12-07 02:00:00 UTC, a Monday: every date below is read against it.
    static let now = Date(timeIntervalSince1970: 1_796_608_800)

    @Test("whole seconds, with surrounding spaces", arguments: [
        ("0", Duration.zero), ("7", .seconds(7)), (" 120 ", .seconds(120)), ("3600", .seconds(3_600)),
    ])
    func seconds(text: String, wait: Duration) {
        #expect(RetryAfter.wait(text, now: Self.now) == wait)
    }

    @Test("more than an hour is clamped to an hour, even past what an Int holds", arguments: ["3601", "86400", "99999999999999999999999"])
    func clampedSeconds(text: String) {
        #expect(RetryAfter.wait(text, now: Self.now) == RetryAfter.maximum)
        #expect(RetryAfter.maximum == .seconds(3_600))
    }

    @Test("an HTTP-date in each of the three forms names the same instant", arguments: [
        "Mon, 07 Dec 2026 02:01:30 GMT", // IMF-fixdate
        "Monday, 07-Dec-26 02:01:30 GMT", // RFC 850
        "Mon Dec  7 02:01:30 2026", // asctime, day padded with a space
    ])
    func httpDate(text: String) {
        #expect(RetryAfter.wait(text, now: Self.now) == .seconds(90))
    }

    @Test("dates: in the past waits 0, beyond an hour waits an hour")
    func dateClamps() {
        #expect(RetryAfter.wait("Sun, 06 Dec 2026 23:59:59 GMT", now: Self.now) == .zero)
        #expect(RetryAfter.wait("Sun, 06 Nov 1994 08:49:37 GMT", now: Self.now) == .zero)
        #expect(RetryAfter.wait("Mon, 07 Dec 2026 03:00:00 GMT", now: Self.now) == .seconds(3_600))
        #expect(RetryAfter.wait("Tue, 08 Dec 2026 02:00:00 GMT", now: Self.now) == .seconds(3_600))
        #expect(RetryAfter.wait("Fri, 31 Dec 9999 23:59:59 GMT", now: Self.now) == .seconds(3_600))
    }

    @Test("RFC 850's two-digit year: more than 50 years ahead means the century before")
    func twoDigitYear() throws {
        let near = try #require(RetryAfter.httpDate("Wednesday, 01-Jan-76 00:00:00 GMT", now: Self.now))
        #expect(near == Date(timeIntervalSince1970: 3_345_062_400)) // 2076: 50 years ahead, still this century
        let far = try #require(RetryAfter.httpDate("Saturday, 01-Jan-77 00:00:00 GMT", now: Self.now))
        #expect(far == Date(timeIntervalSince1970: 220_924_800)) // 1977, not 2077
    }

    @Test("a leap day and a leap second read as dates")
    func calendarEdges() throws {
        #expect(RetryAfter.httpDate("Tue, 29 Feb 2028 12:00:00 GMT", now: Self.now) == Date(timeIntervalSince1970: 1_835_438_400))
        #expect(RetryAfter.httpDate("Thu, 31 Dec 2026 23:59:60 GMT", now: Self.now) == Date(timeIntervalSince1970: 1_798_761_599))
    }

    @Test("anything else is not a Retry-After, so the caller's own back-off applies", arguments: [
        "", "   ", "-5", "1.5", "7s", "soon", "0x10",
        "Mon, 07 Dec 2026 02:01:30 UTC", // only GMT is allowed
        "Mon, 07 Dec 2026 02:01:30 +0000",
        "Mon, 7 Dec 2026 02:01:30 GMT", // IMF-fixdate has two-digit days
        "Mon, 07 dec 2026 02:01:30 GMT", // month names are case-sensitive
        "Mon, 31 Feb 2026 02:01:30 GMT",
        "Mon, 29 Feb 2027 02:01:30 GMT", // not a leap year
        "Mon, 07 Dec 2026 24:00:00 GMT",
        "Mon, 07 Dec 2026 02:60:00 GMT",
        "Mon, 07 Dec 2026 02:01 GMT",
        "Mon, 07 Dec 26 02:01:30 GMT",
        "Monday, 07-Dec-2026 02:01:30 GMT",
        "Mon Dec 7 02:01:30 26",
    ])
    func invalid(text: String) {
        #expect(RetryAfter.wait(text, now: Self.now) == nil)
    }
}
