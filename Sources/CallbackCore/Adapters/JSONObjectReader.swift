import Foundation

/// Reads the members of a JSON object the way every adapter needs them.
///
/// `null` and blank strings count as missing, text is trimmed, a member of the wrong type is a problem, and a
/// member holding a NUL character is refused once, up front, and not reported again as missing or mistyped.
/// Problems name members by their path (`mail.messageId`), never by their value.
struct JSONObjectReader {
    private let members: [String: JSONValue]
    private let path: String
    private let refused: Set<String>

    /// Reads a top-level object, recording a problem for every member that holds a NUL character.
    ///
    /// - Parameter knownNames: the names a problem may mention; any other name came from the body and is
    ///   described only as "a field".
    init(_ members: [String: JSONValue], knownNames: Set<String>, problems: inout ProblemList) {
        var refused: Set<String> = []
        // Sorted, because a dictionary's order changes between processes and the same body must get the same answer.
        for name in members.keys.sorted() where PayloadText.containsNUL(name) || members[name]!.containsNUL {
            let field = PayloadText.describe(name, knownNames: knownNames, unnamed: "a field")
            problems.add("\(field) contains a NUL character")
            refused.insert(name)
        }
        self.init(members: members, path: "", refused: refused)
    }

    private init(members: [String: JSONValue], path: String, refused: Set<String>) {
        self.members = members
        self.path = path
        self.refused = refused
    }

    /// Whether the object has a member `name` that is not `null` (a member refused for a NUL character counts).
    func contains(_ name: String) -> Bool {
        refused.contains(name) || (members[name].map { $0 != .null } ?? false)
    }

    /// A string member, trimmed.
    func text(_ name: String, required: Bool, problems: inout ProblemList) -> String? {
        guard let value = value(name, required: required, problems: &problems) else { return nil }
        guard case .string(let string) = value else {
            problems.add("\(path)\(name) must be a string")
            return nil
        }
        return nonBlank(string, name, required: required, problems: &problems)
    }

    /// A member that may be a string or a number, as text (`3` and `"3"` both give `"3"`).
    func scalarText(_ name: String, required: Bool, problems: inout ProblemList) -> String? {
        guard let value = value(name, required: required, problems: &problems) else { return nil }
        guard let text = value.scalarText else {
            problems.add("\(path)\(name) must be a string or a number")
            return nil
        }
        return nonBlank(text, name, required: required, problems: &problems)
    }

    /// A number member (or a string holding one) read as seconds since 1970, as Mailgun and SendGrid send event
    /// times; `nil` when absent, not a number or outside the years 1 to 9999 that `ProviderTimestamp` accepts, which
    /// is never a problem. The bound matters: a huge number would otherwise reach PostgreSQL as a date it refuses,
    /// and the receipt would be answered 503 and retried forever.
    func unixTimestamp(_ name: String) -> Date? {
        guard !refused.contains(name), let value = members[name] else { return nil }
        let seconds: Double?
        switch value {
        case .integer(let integer): seconds = Double(integer)
        case .number(let number): seconds = number
        case .string(let string): seconds = Double(string.trimmingWhitespace())
        default: seconds = nil
        }
        return seconds.flatMap(ProviderTimestamp.unixSeconds)
    }

    /// A string member exactly as sent, untrimmed and possibly empty, for fields a signature covers.
    func exactText(_ name: String, problems: inout ProblemList) -> String? {
        guard !refused.contains(name), let value = members[name], value != .null else { return nil }
        guard case .string(let string) = value else {
            problems.add("\(path)\(name) must be a string")
            return nil
        }
        return string
    }

    /// A nested object, read with this reader's rules; an absent one reads as empty, so its required members are
    /// reported as missing by their full path.
    func object(_ name: String, problems: inout ProblemList) -> JSONObjectReader? {
        guard !refused.contains(name) else { return nil }
        let nestedPath = "\(path)\(name)."
        switch members[name] {
        case nil, .null?:
            return JSONObjectReader(members: [:], path: nestedPath, refused: [])
        case .object(let nested)?:
            return JSONObjectReader(members: nested, path: nestedPath, refused: [])
        case .some:
            problems.add("\(path)\(name) must be an object")
            return nil
        }
    }

    /// A string member read as a provider timestamp; `nil` when absent, mistyped or unparsable, which is never a
    /// problem.
    func timestamp(_ name: String) -> Date? {
        guard !refused.contains(name), case .string(let string)? = members[name] else { return nil }
        return ProviderTimestamp.parse(string)
    }

    private func value(_ name: String, required: Bool, problems: inout ProblemList) -> JSONValue? {
        guard !refused.contains(name) else { return nil }
        guard let value = members[name], value != .null else {
            if required { problems.add("\(path)\(name) missing") }
            return nil
        }
        return value
    }

    private func nonBlank(_ text: String, _ name: String, required: Bool, problems: inout ProblemList) -> String? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            if required { problems.add("\(path)\(name) missing") }
            return nil
        }
        return trimmed
    }
}
