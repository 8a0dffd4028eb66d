import CallbackCore
import Foundation
import Testing

@Suite("Housekeeping dates: calendar days, retention cutoff, statistics window, job periods")
struct HousekeepingDateTests {
    static func date(_ text: String) throws -> CivilDate { try #require(CivilDate(text)) }
    static func instant(_ iso: String) throws -> Date { try #require(ISO8601DateFormatter().date(from: iso)) }

    @Test("a UTC date is the same from 00:00:00 to 23:59:59, and the next at midnight")
    func utcDate() throws {
        #expect(CivilDate(utcOf: try Self.instant("2026-01-02T23:59:59Z")).description == "2026-01-02")
        #expect(CivilDate(utcOf: try Self.instant("2026-01-03T00:00:00Z")).description == "2026-01-03")
        #expect(CivilDate(utcOf: try Self.instant("1969-12-31T23:59:59Z")).description == "1969-12-31")
        #expect(CivilDate(utcOf: Date(timeIntervalSince1970: 0)).description == "1970-01-01")
    }

    @Test("dates read, print and count days across months, leap days and years")
    func arithmetic() throws {
        #expect(try Self.date("2024-02-28").adding(days: 1).description == "2024-02-29")
        #expect(try Self.date("2024-03-01").adding(days: -1).description == "2024-02-29")
        #expect(try Self.date("2026-01-01").adding(days: -1).description == "2025-12-31")
        #expect(try Self.date("2026-01-12").isoWeekday == 1)
        #expect(try Self.date("2026-01-05").isoWeekday == 1)
        #expect(try Self.date("2026-01-11").isoWeekday == 7)
        for text in ["2026-02-29", "2026-13-01", "2026-1-01", "20260101", "abcd-ef-gh", ""] {
            #expect(CivilDate(text) == nil, "\(text)")
        }
        // Every day of four centuries round-trips through its text.
        for days in stride(from: -200_000, through: 200_000, by: 997) {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(CivilDate(date.description) == date)
        }
    }

    @Test("retention keeps full calendar days: on 2026-01-10 with 7 days, 2026-01-03 onwards stays, at any hour")
    func retentionCutoff() throws {
        for now in ["2026-01-10T00:00:00Z", "2026-01-10T12:00:00Z", "2026-01-10T23:59:59Z"] {
            let cutoff = RetentionCutoff(today: CivilDate(utcOf: try Self.instant(now)), keepingDays: 7)
            #expect(cutoff.firstKeptDay.description == "2026-01-03", "\(now)")
            #expect(cutoff.deleteBefore == (try Self.instant("2026-01-03T00:00:00Z")), "\(now)")
        }
        #expect(RetentionCutoff(today: try Self.date("2026-03-01"), keepingDays: 1).firstKeptDay.description == "2026-02-28")
    }

    @Test("statistics on a Monday with limit_days=7: eight days, the first the previous Monday")
    func mondayWindow() throws {
        let monday = try Self.date("2026-01-12")
        let window = try StatsWindow(today: monday, limitDaysText: "7")
        #expect(window.days.count == 8)
        #expect(window.days.first?.description == "2026-01-05")
        #expect(window.days.first?.isoWeekday == 1)
        #expect(window.days.last == monday)
        #expect(window.start == (try Self.instant("2026-01-05T00:00:00Z")))
        #expect(window.end == (try Self.instant("2026-01-13T00:00:00Z")))
        #expect(try StatsWindow(today: monday, limitDaysText: nil) == window)
        #expect(try StatsWindow(today: monday, limitDaysText: "0").days == [monday])
        #expect(try StatsWindow(today: monday, limitDaysText: "31").days.count == 32)
    }

    @Test("limit_days outside 0...31, or not a plain whole number, is refused", arguments: ["-1", "32", "abc", "", " 7", "+7", "7.0", "1e1", "0x7", "99999999999999999999"])
    func badLimit(text: String) throws {
        #expect(throws: StatsWindowError.outOfRange) { try StatsWindow(today: CivilDate(daysSinceEpoch: 20_000), limitDaysText: text) }
        #expect(StatsWindowError.outOfRange.description.contains("from 0 to 31"))
    }

    @Test("a job's period is the hour or UTC day containing the moment, the same on every replica")
    func periods() throws {
        let hour = Duration.seconds(3600)
        let day = Duration.seconds(86_400)
        #expect(JobPeriod(containing: try Self.instant("2026-01-10T10:59:59Z"), length: hour).start == (try Self.instant("2026-01-10T10:00:00Z")))
        #expect(JobPeriod(containing: try Self.instant("2026-01-10T11:00:00Z"), length: hour).start == (try Self.instant("2026-01-10T11:00:00Z")))
        #expect(JobPeriod(containing: try Self.instant("2026-01-10T23:59:59Z"), length: day).start == (try Self.instant("2026-01-10T00:00:00Z")))
        #expect(JobPeriod(containing: try Self.instant("2026-01-11T00:00:00Z"), length: day).start == (try Self.instant("2026-01-11T00:00:00Z")))
        #expect(JobPeriod(containing: try Self.instant("1969-12-31T23:00:01Z"), length: day).start == (try Self.instant("1969-12-31T00:00:00Z")))
    }

    @Test("durations in settings: seconds, or d, h, m, s largest first, within bounds")
    func durations() {
        let units = DurationText.daysHoursMinutesSeconds
        let accepted: [(String, Int64)] = [("72h", 259_200), ("30m", 1800), ("3d", 259_200), ("1h30m", 5400), ("3600", 3600), (" 2D ", 172_800)]
        for (text, seconds) in accepted {
            #expect(DurationText.seconds(text, units: units, in: 1...(365 * 86_400)) == seconds, "\(text)")
        }
        for text in ["", "0", "-1h", "1.5h", "30m1h", "1h1h", "72 hours", "1w", "99999999999999999999"] {
            #expect(DurationText.seconds(text, units: units, in: 1...(365 * 86_400)) == nil, "\(text)")
        }
        #expect(DurationText.seconds("30s", units: units, in: 60...3600) == nil)
        #expect(DurationText.seconds("1d", units: DurationText.hoursMinutesSeconds, in: 1...999_999) == nil)
    }

    @Test("statistics list every day, provider and outcome, zeros included, and ignore counts outside the window")
    func zeroFilled() throws {
        let window = try StatsWindow(today: try Self.date("2026-01-12"), limitDays: 2)
        let stats = ReceiptStats(window: window, counts: [
            ReceiptDayCount(day: try Self.date("2026-01-11"), provider: .mmg, outcome: .applied, count: 4),
            ReceiptDayCount(day: try Self.date("2026-01-09"), provider: .mmg, outcome: .applied, count: 9),
        ])
        #expect(stats.days.map(\.date.description) == ["2026-01-10", "2026-01-11", "2026-01-12"])
        for day in stats.days {
            #expect(Set(day.counts.keys) == Set(Provider.allCases))
            for provider in Provider.allCases {
                #expect(Set(day.counts[provider]?.keys ?? [:].keys) == Set(ReceiptOutcome.allCases))
            }
        }
        #expect(stats.days[1].count(.mmg, .applied) == 4)
        #expect(stats.days.map { $0.count(.mmg, .applied) }.reduce(0, +) == 4)
    }
}
