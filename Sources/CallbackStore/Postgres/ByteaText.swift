import CallbackCore

/// `bytea` values as text parameters and results: PostgreSQL's hex form, `\x` then two lower-case digits a byte.
enum ByteaText {
    /// The text of `bytes` for a `$n::bytea` parameter.
    static func text(_ bytes: [UInt8]) -> String { "\\x" + Digest.hex(bytes) }

    /// The bytes of a `bytea` column's text, or `nil` when it is not PostgreSQL's hex form.
    static func bytes(_ text: String) -> [UInt8]? {
        guard text.hasPrefix("\\x"), text.utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2 - 1)
        var digits = text.utf8.dropFirst(2).makeIterator()
        while let high = digits.next(), let low = digits.next() {
            guard let h = nibble(high), let l = nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
