/// Makes a value that came from a request safe to log.
///
/// Provider statuses and codes are short tokens. A value that holds anything that could be a phone number (seven or
/// more digits in a row, spaces, dashes, dots, brackets and `+` between them allowed) or an email address (an `@`)
/// is replaced; control characters become `?` so that a value cannot start a forged log line; and every value is cut
/// short so that a hostile body cannot flood the log.
enum LogSafe {
    static let maximumLength = 64

    static func token(_ value: String) -> String {
        var digits = 0
        for scalar in value.unicodeScalars {
            if scalar == "@" { return "[redacted]" }
            if ("0"..."9").contains(scalar) {
                digits += 1
                if digits >= 7 { return "[redacted]" }
            } else if !" -.()+".unicodeScalars.contains(scalar) {
                digits = 0
            }
        }
        return bounded(value)
    }

    /// Cuts a value that is known to carry no personal data (an SNS topic ARN) to the maximum length, with control
    /// characters replaced.
    static func bounded(_ value: String) -> String {
        let cut = value.count <= maximumLength ? value : String(value.prefix(maximumLength)) + "…"
        return String(String.UnicodeScalarView(cut.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}
