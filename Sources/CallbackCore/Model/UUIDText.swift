import Foundation

/// Reads and writes a UUID in its canonical text form.
///
/// Foundation's `UUID(uuidString:)` calls `sscanf` once per byte: with a UUID read from every Firetext and MMG
/// receipt and from every stored receipt's answer, that was a measurable share of the gateway's CPU per receipt.
/// It is also lax: `sscanf` takes a sign or `0x` inside a byte, so `-8010203-…` reads as `f8010203-…`. A
/// provider's reference names one notification in exactly one spelling, so such text is refused here.
public enum UUIDText {
    /// The UUID `text` spells (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits in either case), or `nil`.
    public static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { utf8 -> UUID? in
            guard utf8.count == 36 else { return nil }
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let parsed = withUnsafeMutableBytes(of: &bytes) { output -> Bool in
                var index = 0
                for byte in 0..<16 {
                    if index == 8 || index == 13 || index == 18 || index == 23 {
                        guard utf8[index] == UInt8(ascii: "-") else { return false }
                        index += 1
                    }
                    guard let high = HexDigit.value(utf8[index]), let low = HexDigit.value(utf8[index + 1]) else { return false }
                    output[byte] = high << 4 | low
                    index += 2
                }
                return true
            }
            return parsed ? UUID(uuid: bytes) : nil
        }
    }

    /// `uuid` in lower case (`xxxxxxxx-xxxx-...`), as PostgreSQL writes a `uuid`. Foundation's `uuidString` calls
    /// `snprintf`; the gateway writes an id into every receipt's parameters and sorts every batch by it.
    public static func lowercase(_ uuid: UUID) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { output in
                var index = 0
                for (position, byte) in bytes.enumerated() {
                    if position == 4 || position == 6 || position == 8 || position == 10 {
                        output[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    output[index] = digits[Int(byte >> 4)]
                    output[index + 1] = digits[Int(byte & 0x0F)]
                    index += 2
                }
                return index
            }
        }
    }
}
