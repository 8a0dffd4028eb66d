/// Reads `ALERT_COOLDOWN`.
public enum AlertCooldown {
    /// The longest cooldown accepted: a week. Anything longer is almost certainly a typo (seconds taken for
    /// minutes), and would make the alerter look broken.
    static let maximum = Duration.seconds(7 * 24 * 3600)

    /// Parses a cooldown: a whole number of seconds (`"900"`), or whole numbers with units `h`, `m` and `s` in that
    /// order, each at most once (`"90s"`, `"15m"`, `"1h"`, `"1h30m"`, `"2m30s"`). Surrounding spaces are ignored
    /// and units may be upper case.
    ///
    /// - Returns: the duration, or `nil` for anything else: empty text, zero (which would alert on every
    ///   occurrence), a sign, a fraction, an unknown or repeated unit, units out of order, or more than a week.
    public static func parse(_ text: String) -> Duration? {
        let units: [(Character, Int64)] = [("h", 3600), ("m", 60), ("s", 1)]
        var rest = Substring(text.trimmedOfSpaces().lowercased())
        guard !rest.isEmpty else { return nil }
        if rest.allSatisfy(\.isASCIIDigit) { return bounded(seconds: Int64(rest)) }

        var total: Int64 = 0
        var nextUnit = 0
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty, digits.count <= 9, let value = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = rest.first,
                  let index = units[nextUnit...].firstIndex(where: { $0.0 == unit }) else { return nil }
            total += value * units[index].1
            nextUnit = index + 1
            rest = rest.dropFirst()
        }
        return bounded(seconds: total)
    }

    private static func bounded(seconds: Int64?) -> Duration? {
        guard let seconds, seconds > 0 else { return nil }
        let duration = Duration.seconds(seconds)
        return duration <= maximum ? duration : nil
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
