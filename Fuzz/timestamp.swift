// Fuzz target: ProviderTimestamp.parse. Built and run by scripts/fuzz.
//
// Invariants for any text that parses:
// - the instant lies in years 1–9999 (± a day of offset);
// - formatted back as UTC (`yyyy-MM-ddTHH:mm:ss.fffffffffZ`, by civil-from-days, the inverse of the conversion the parser uses) it parses
//   to the same instant, so parse → format → parse is idempotent;
// - surrounding spaces and the date/time separator (` `, `T`, `t`) do not matter;
// - without an offset the text is UK civil time: the same text with `Z` is the same instant or one hour later (BST,
//   only in March–October), and with `+01:00`, `+0100` or `+01` exactly one hour earlier than with `Z`;
// - for years 1900–2100 Foundation's ISO 8601 formatter names the same UTC second.
import Foundation

// libFuzzer calls the target from one thread only.
nonisolated(unsafe) private let iso8601: ISO8601DateFormatter = {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let date = ProviderTimestamp.parse(text) else {
        require(ProviderTimestamp.parse(" \t" + text + "\t ") == nil, "surrounding spaces made \(show(text)) parse")
        return 0
    }
    let seconds = date.timeIntervalSince1970
    require(seconds.isFinite && plausibleInstants.contains(seconds), "\(show(text)) parsed to \(seconds), outside years 1–9999")
    require(ProviderTimestamp.parse(" \t" + text + "\t ") == date, "surrounding spaces changed \(show(text))")

    // The separator between date and time: the trimmed text is `yyyy-MM-dd?HH...`, so it is at byte 10.
    let trimmed = Array(text.utf8).trimmingSpaces()
    require(trimmed.count >= 19 && [UInt8(ascii: " "), UInt8(ascii: "T"), UInt8(ascii: "t")].contains(trimmed[10]),
            "\(show(text)) parsed without a date/time separator at byte 10")
    for separator in ["T", " ", "t"] {
        var variant = trimmed
        variant[10] = UInt8(ascii: Unicode.Scalar(separator)!)
        require(ProviderTimestamp.parse(String(decoding: variant, as: UTF8.self)) == date,
                "\(show(text)) with separator \(show(separator)) is another instant")
    }

    // Round trip through an independent formatter.
    let utc = CivilTime(seconds)
    if (1...9999).contains(utc.year) {
        let formatted = utc.formatted
        guard let back = ProviderTimestamp.parse(formatted) else {
            violated("\(show(text)) parsed to \(seconds), formatted \(formatted), which does not parse")
        }
        require(near(back.timeIntervalSince1970, seconds, at: seconds),
                "\(show(text)) parsed to \(seconds), formatted \(formatted), parsed back to \(back.timeIntervalSince1970)")
        if (1900...2100).contains(utc.year) {
            let foundation = iso8601.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
            require(foundation == utc.formattedToSeconds, "\(show(text)): Foundation says \(foundation), we say \(utc.formattedToSeconds)")
        }
    }

    // UK civil time when no offset is given: appending `Z` works only then.
    let bare = String(decoding: trimmed, as: UTF8.self)
    if let inUTC = ProviderTimestamp.parse(bare + "Z") {
        let difference = inUTC.timeIntervalSince1970 - seconds
        let month = Int(String(decoding: trimmed[5..<7], as: UTF8.self)) ?? 0
        require(near(difference, 0, at: seconds) || near(difference, 3600, at: seconds) && (3...10).contains(month),
                "\(show(bare)) is \(difference) s from the same text in UTC (month \(month))")
        for offset in ["+01:00", "+0100", "+01"] {
            guard let shifted = ProviderTimestamp.parse(bare + offset) else { violated("\(show(bare + offset)) does not parse") }
            require(near(inUTC.timeIntervalSince1970 - shifted.timeIntervalSince1970, 3600, at: seconds),
                    "\(show(bare + offset)) is not one hour before \(show(bare + "Z"))")
        }
        for zero in ["z", "+00:00", "-00", "+0000"] {
            require(ProviderTimestamp.parse(bare + zero) == inUTC, "\(show(bare + zero)) is not \(show(bare + "Z"))")
        }
    }
    return 0
}

/// Whether two instants (or a difference) agree to within a microsecond, or a few units of floating-point precision
/// where that is coarser (about 30 µs in year 9999).
private func near(_ value: Double, _ expected: Double, at magnitude: Double) -> Bool {
    abs(value - expected) <= max(1e-6, 8 * magnitude.magnitude.ulp)
}

extension [UInt8] {
    /// Without leading and trailing spaces and tabs, the only white space the parser ignores.
    func trimmingSpaces() -> [UInt8] {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return [] }
        return Array(self[start...end])
    }
}

/// UTC civil time of an instant, by Howard Hinnant's `civil_from_days` (`CivilCalendar.civil(fromDays:)`, the inverse
/// of the `days_from_civil` the parser uses).
private struct CivilTime {
    var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
    var nanoseconds = 0

    init(_ instant: Double) {
        var whole = instant.rounded(.down)
        var nanos = Int(((instant - whole) * 1e9).rounded())
        if nanos >= 1_000_000_000 {
            nanos -= 1_000_000_000
            whole += 1
        }
        nanoseconds = nanos
        let total = Int(whole)
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60

        (year, month, day) = CivilCalendar.civil(fromDays: days)
    }

    var formattedToSeconds: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))Z"
    }

    var formatted: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(nanoseconds, 9))Z"
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
