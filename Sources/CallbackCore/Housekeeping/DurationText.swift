/// Reads the durations operators write in settings: a whole number of seconds (`"900"`), or whole numbers with
/// units in descending order, each at most once (`"90s"`, `"15m"`, `"72h"`, `"1h30m"`, `"3d"`).
public enum DurationText {
    /// A unit letter and the seconds it stands for.
    public typealias Unit = (letter: Character, seconds: Int64)

    /// Hours, minutes and seconds.
    public static let hoursMinutesSeconds: [Unit] = [("h", 3600), ("m", 60), ("s", 1)]
    /// Days, hours, minutes and seconds.
    public static let daysHoursMinutesSeconds: [Unit] = [("d", 86_400)] + hoursMinutesSeconds

    /// The duration in seconds. Surrounding spaces are ignored and units may be upper case.
    ///
    /// - Returns: the seconds, or `nil` for anything else: empty text, zero, a sign, a fraction, an unknown,
    ///   repeated or out-of-order unit, or a value outside `range`.
    public static func seconds(_ text: String, units: [Unit], in range: ClosedRange<Int64>) -> Int64? {
        var rest = Substring(text.trimmedOfSpaces().lowercased())
        guard !rest.isEmpty else { return nil }
        if rest.allSatisfy(\.isASCIIDigit) {
            guard rest.count <= 12, let seconds = Int64(rest) else { return nil }
            return bounded(seconds, range)
        }
        var total: Int64 = 0
        var nextUnit = 0
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty, digits.count <= 9, let value = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = rest.first,
                  let index = units[nextUnit...].firstIndex(where: { $0.letter == unit }) else { return nil }
            total += value * units[index].seconds
            nextUnit = index + 1
            rest = rest.dropFirst()
        }
        return bounded(total, range)
    }

    /// A whole number of seconds in the notation operators write: the largest unit that divides it (`3600` is
    /// `1h`, `90` is `90s`, `259200` is `3d`).
    public static func spoken(seconds: Int64) -> String {
        for (letter, size) in daysHoursMinutesSeconds where seconds % size == 0 {
            return "\(seconds / size)\(letter)"
        }
        return "\(seconds)s"
    }

    /// A duration in the same notation, to the whole second.
    public static func spoken(_ duration: Duration) -> String {
        spoken(seconds: duration.components.seconds)
    }

    private static func bounded(_ seconds: Int64, _ range: ClosedRange<Int64>) -> Int64? {
        seconds > 0 && range.contains(seconds) ? seconds : nil
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

private extension String {
    func trimmedOfSpaces() -> String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
