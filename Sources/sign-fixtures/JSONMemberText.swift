/// Edits one top-level string member of a JSON object in its text, leaving every other byte as it was.
enum JSONMemberText {
    /// `text` with member `name` set to `value` (which must need no JSON escaping: base64, a URL, a digit), or
    /// with the member added before the final `}` when absent; `nil` when the member appears more than once or
    /// there is no final `}`.
    static func setting(_ name: String, to value: String, in text: String) -> String? {
        // A member is `"name"`, optional white space, `:`, optional white space, then a JSON string. An escaped
        // `\"name\"` inside another string (such as Message) cannot match, since it is followed by a backslash.
        let pattern = try? Regex<(Substring, Substring)>(#"("\#(name)"\s*:\s*)"(?:[^"\\]|\\.)*""#)
        guard let pattern else { return nil }
        let matches = text.matches(of: pattern)
        if matches.count > 1 { return nil }
        if let match = matches.first {
            var updated = text
            updated.replaceSubrange(match.range, with: "\(match.output.1)\"\(value)\"")
            return updated
        }
        guard let close = text.lastIndex(of: "}") else { return nil }
        let head = text[..<close]
        let trimmed = head.reversed().drop { $0.isWhitespace }.reversed()
        let newline = text.contains("\r\n") ? "\r\n" : "\n"
        let indent = text.contains("\(newline)  \"") ? "  " : ""
        return String(trimmed) + ",\(newline)\(indent)\"\(name)\" : \"\(value)\"\(newline)" + text[close...]
    }
}
