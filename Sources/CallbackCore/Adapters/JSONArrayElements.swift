/// The text of each element of a JSON array, exactly as sent: a batch's events are stored (and deduplicated and
/// re-driven) one by one, each with its own bytes.
enum JSONArrayElements {
    /// The bytes of each top-level element of `body`, in order, without surrounding white space; `nil` when the
    /// body is not an array. Call it on text ``JSONValue/parse(_:)`` has accepted: it does not check the rest.
    static func split(_ body: [UInt8]) -> [ArraySlice<UInt8>]? {
        var index = skipSpace(body, from: 0)
        guard index < body.count, body[index] == UInt8(ascii: "[") else { return nil }
        index += 1
        var elements: [ArraySlice<UInt8>] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start = skipSpace(body, from: index)
        while index < body.count {
            let byte = body[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                let closes = byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if closes && depth > 0 {
                    depth -= 1
                } else if depth == 0 && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]")) {
                    // The end of an element; a `]` here closes the array itself.
                    let element = trimmed(body[start..<index])
                    if !element.isEmpty { elements.append(element) }
                    if byte == UInt8(ascii: "]") { return elements }
                    start = skipSpace(body, from: index + 1)
                }
            }
            index += 1
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func skipSpace(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        return index
    }

    private static func trimmed(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = slice
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        return slice
    }
}
