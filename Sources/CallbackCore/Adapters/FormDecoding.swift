/// The `application/x-www-form-urlencoded` format: `name=value` pairs joined by `&`, where `+` stands for a space
/// and `%XX` for a byte.
///
/// Unlike browsers, which keep a malformed escape as literal text, this treats it as an error: a receipt whose
/// reference might have been mangled should be refused, not guessed at.
enum FormDecoding {
    /// Why a name or value could not be decoded.
    enum Failure: Error, Hashable {
        /// A `%` not followed by two hexadecimal digits.
        case malformedEscape
        /// The decoded bytes are not UTF-8.
        case notUTF8
    }

    /// The body's pairs in the order sent, still encoded. Empty segments (`a=1&&b=2`) are skipped; a segment
    /// without `=` is a name with an empty value.
    ///
    /// The separators are split on as bytes, as the format defines them: splitting the `String` by `Character`
    /// would cost a grapheme-boundary check per character, and a `&` followed by a combining mark is still a
    /// separator.
    static func pairs(of text: String) -> [(name: Substring, value: Substring)] {
        text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { segment in
            guard let equals = segment.firstIndex(of: UInt8(ascii: "=")) else { return (Substring(segment), "") }
            return (Substring(segment[..<equals]), Substring(segment[segment.index(after: equals)...]))
        }
    }

    /// Decodes one name or value.
    static func decode(_ component: Substring) throws(Failure) -> String {
        // Most names and values carry no escape at all, and a Substring is valid UTF-8 already.
        guard component.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else {
            return String(component)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(component.utf8.count)
        var iterator = component.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(HexDigit.value), let low = iterator.next().flatMap(HexDigit.value) else {
                    throw .malformedEscape
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        return text
    }
}
