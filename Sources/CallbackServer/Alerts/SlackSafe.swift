/// Makes a value that came from a request safe to put in a Slack message.
///
/// The value first gets the log treatment (``LogSafe/token(_:)``: bounded length, anything that looks like a
/// phone number or an email address redacted), because alerts are read by more people than logs. Then nothing
/// in it may act as markup: Slack's control sequences all start with `<` (`<!channel>`, `<@U123>`,
/// `<http://evil|click>`), so `&`, `<` and `>` are escaped as Slack documents; `@` (a mention with `link_names`)
/// becomes `(at)`; a backtick, which would end the code span the alert puts every value in, becomes `'`; and
/// control and invisible formatting characters (newlines, bidirectional overrides) become `?`, so a value
/// cannot fake lines of the alert or hide what it says.
enum SlackSafe {
    /// The value, bounded, redacted and escaped; `(empty)` for an empty one.
    static func value(_ raw: String) -> String {
        escaped(LogSafe.token(raw))
    }

    /// Escapes markup only; for values that are already bounded and carry no personal data.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "@": result += "(at)"
            case "`": result += "'"
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator: result += "?"
                default: result.unicodeScalars.append(scalar)
                }
            }
        }
        return result.isEmpty ? "(empty)" : result
    }
}
