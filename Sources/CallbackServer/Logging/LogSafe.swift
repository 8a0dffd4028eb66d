/// Makes a value that came from a request safe to log.
///
/// Provider statuses and codes are short tokens; a field that holds anything that could be a phone number (a run
/// of seven or more digits) or an email address (an `@`) is replaced, and every value is cut short so that a
/// hostile body cannot flood the log.
enum LogSafe {
    static let maximumLength = 64

    static func token(_ value: String) -> String {
        var digitRun = 0
        for scalar in value.unicodeScalars {
            if scalar == "@" { return "[redacted]" }
            digitRun = ("0"..."9").contains(scalar) ? digitRun + 1 : 0
            if digitRun >= 7 { return "[redacted]" }
        }
        return bounded(value)
    }

    /// Cuts a value that is known to carry no personal data (an SNS topic ARN) to the maximum length.
    static func bounded(_ value: String) -> String {
        value.count <= maximumLength ? value : String(value.prefix(maximumLength)) + "…"
    }
}
