import Foundation

/// Builds the text of one StatsD line, `<name>:<value>|<type>`.
enum StatsDLine {
    /// One line; `name` must already be prefixed and wire-safe.
    static func line(_ name: String, _ value: String, _ type: StatsDMetricType) -> String {
        "\(name):\(value)|\(type.rawValue)"
    }

    /// The lines that set a gauge to `value`.
    ///
    /// StatsD reads a leading sign on a gauge as a change (`-3|g` subtracts 3), so a negative value is sent as a
    /// reset to zero followed by the value. Both lines travel as one unit of the buffer, hence in one datagram and
    /// in order.
    static func gauge(_ name: String, _ value: String) -> String {
        guard value.hasPrefix("-") else { return line(name, value, .gauge) }
        return line(name, "0", .gauge) + "\n" + line(name, value, .gauge)
    }

    /// An integer, as decimal digits.
    static func value(_ value: Int64) -> String { String(value) }

    /// A floating-point value with at most three decimals and no trailing zeros (`12.5`, `3`, `0.125`), never in
    /// exponent notation, which StatsD servers do not all parse.
    ///
    /// - Returns: `nil` for NaN and infinities, which no server accepts: such values are dropped.
    static func value(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        let magnitude = value.magnitude
        // Beyond this the thousandths no longer fit an Int64; such values have no meaningful decimals anyway.
        guard magnitude < 1e15 else { return String(format: "%.0f", value) }
        let thousandths = Int64((magnitude * 1000).rounded())
        guard thousandths != 0 else { return "0" }
        var text = value < 0 ? "-" : ""
        text += String(thousandths / 1000)
        let fraction = thousandths % 1000
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }
}
