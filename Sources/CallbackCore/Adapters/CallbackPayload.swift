/// The parts of an HTTP request an adapter reads: the body and the headers that matter.
public struct CallbackPayload: Sendable, Hashable {
    /// The request body as sent. Adapters reject bodies that are not UTF-8.
    public var body: [UInt8]
    /// The `Content-Type` header, if any.
    public var contentType: String?
    /// Other headers an adapter needs, keyed by lower-case name (e.g. `x-amz-sns-message-type`).
    public var headers: [String: String]

    /// Creates a payload.
    public init(body: [UInt8], contentType: String? = nil, headers: [String: String] = [:]) {
        self.body = body
        self.contentType = contentType
        self.headers = headers
    }

    /// Creates a payload from a string body.
    public init(body: String, contentType: String? = nil, headers: [String: String] = [:]) {
        self.init(body: Array(body.utf8), contentType: contentType, headers: headers)
    }

    /// The media type of `contentType`, lower-cased and without parameters (`text/plain; charset=UTF-8` gives
    /// `text/plain`); `nil` when there is no `Content-Type`.
    public var mediaType: String? {
        guard let contentType else { return nil }
        // An ASCII header (every real one) is read as bytes: every request asks, and splitting and trimming by
        // Character cost a grapheme check per character. Other text keeps the Character rules, under which `;`
        // followed by a combining mark is not a separator and a space with one is still white space.
        guard contentType.utf8.allSatisfy({ $0 < 0x80 }) else { return Self.mediaType(byCharacter: contentType) }
        let utf8 = contentType.utf8
        let type = utf8[..<(utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex)]
        // The ASCII white space of Character.isWhitespace: tab, line feed, vertical tab, form feed, return, space.
        let blank: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0d).contains($0) }
        guard let start = type.firstIndex(where: { !blank($0) }), let end = type.lastIndex(where: { !blank($0) }) else {
            return nil
        }
        let trimmed = Substring(type[start...end])
        return trimmed.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) ? trimmed.lowercased() : String(trimmed)
    }

    /// ``mediaType`` by Character. Empty pieces are kept so that `;application/json` has the empty media type and is
    /// refused, rather than passing for its first parameter.
    private static func mediaType(byCharacter contentType: String) -> String? {
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? contentType
        let trimmed = type.trimmingWhitespace().lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }
}

extension StringProtocol {
    /// The string without leading and trailing white space and line breaks (CRLF included, which Swift counts as
    /// one Character).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
