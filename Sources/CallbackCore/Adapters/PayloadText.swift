/// The checks every adapter applies to text before any of it can reach the database.
///
/// PostgreSQL `text` cannot hold a NUL character, and a receipt that cannot be stored must be refused (400) rather
/// than acknowledged and lost or silently truncated.
enum PayloadText {
    /// The body as a string, or `nil` after recording why it cannot be read as text.
    static func text(of body: [UInt8], problems: inout ProblemList) -> String? {
        guard let text = String(validating: body, as: UTF8.self) else {
            problems.add("body is not UTF-8 text")
            return nil
        }
        guard !NULScan.contains(body) else {
            problems.add("body contains a NUL byte")
            return nil
        }
        return text
    }

    /// Whether a decoded value holds a NUL character (a form's `%00`, JSON's `\u0000`).
    static func containsNUL(_ text: String) -> Bool {
        NULScan.contains(text)
    }

    /// How a problem names a field: by name when the adapter knows it, otherwise generically, because an unknown
    /// name came from the body and is not ours to repeat.
    static func describe(_ name: String, knownNames: Set<String>, unnamed: String) -> String {
        knownNames.contains(name) ? name : unnamed
    }
}
