/// A JSON document as a tree, so an adapter can tell a missing member from one of the wrong type and report every
/// problem rather than the first one a `Decodable` model would stop at.
indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number without a fractional part that fits 64 bits (`3`, `3.0` and `3e0` all arrive as `3`; ``JSONParser``
    /// has the exact rule, Foundation's).
    case integer(Int64)
    /// Any other number.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses JSON text; `nil` when it is not JSON.
    ///
    /// Reads exactly as Foundation's `JSONDecoder` did (see ``JSONParser``), so what is accepted did not change:
    /// documents nested deeper than 512 levels are refused, so neither parsing nor walking the tree can exhaust the
    /// stack. Of repeated object keys, the first wins.
    static func parse(_ bytes: some Sequence<UInt8>) -> JSONValue? {
        JSONParser.parse(bytes)
    }

    /// Whether any string or key in the value holds a NUL character, which PostgreSQL text and jsonb cannot store.
    var containsNUL: Bool {
        switch self {
        case .null, .bool, .integer, .number: false
        case .string(let string): PayloadText.containsNUL(string)
        case .array(let elements): elements.contains { $0.containsNUL }
        case .object(let members): members.contains { PayloadText.containsNUL($0.key) || $0.value.containsNUL }
        }
    }

    /// The text of a string (as sent) or a number (`3`, `2.5`); `nil` for any other kind.
    var scalarText: String? {
        switch self {
        case .string(let string): string
        case .integer(let integer): String(integer)
        case .number(let number): Int64(exactly: number).map { String($0) } ?? String(number)
        case .null, .bool, .array, .object: nil
        }
    }
}
