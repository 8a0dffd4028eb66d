// The JSON reading the gateway used before JSONParser, kept as the oracle the parser is compared with. Also compiled
// into the fuzz binaries by scripts/fuzz (with -D FUZZING), where it is part of the CallbackCore module itself.
import Foundation
#if !FUZZING
@testable import CallbackCore
#endif

/// `JSONDecoder` decoding a `JSONValue` by trying each kind in turn, exactly as `JSONValue.parse` did.
struct FoundationJSON: Decodable {
    let value: JSONValue

    /// What the old `JSONValue.parse` returned; call only when ``trapsFoundation(_:)`` is false.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(FoundationJSON.self, from: Data(bytes)).value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let string = try? container.decode(String.self) {
            value = .string(string)
        } else if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let integer = try? container.decode(Int64.self) {
            value = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            value = .number(number)
        } else if let array = try? container.decode([FoundationJSON].self) {
            value = .array(array.map(\.value))
        } else {
            value = .object(try container.decode([String: FoundationJSON].self).mapValues(\.value))
        }
    }

    /// Whether Foundation might stop the process on `bytes` instead of answering (a precondition failure in
    /// swift-foundation), so the oracle cannot be asked. Over-approximates two cases:
    /// - a 513th nested `[` as the very last byte: reporting the depth error reads past the end;
    /// - a number whose `Double` is whole, fits `Int64` and is 2^53 or more, with so many digits (over a hundred) that
    ///   Foundation's `Decimal` cannot read it: the fallback error path then finds the number valid and traps.
    /// NUL bytes are ignored, so UTF-16 and UTF-32 inputs are covered too.
    static func trapsFoundation(_ bytes: [UInt8]) -> Bool {
        var brackets = 0
        var last: UInt8 = 0
        var runStart = 0
        var runLength = 0
        for (offset, byte) in bytes.enumerated() where byte != 0 {
            last = byte
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                 UInt8(ascii: "+"), UInt8(ascii: "-"):
                if runLength == 0 { runStart = offset }
                runLength += 1
                continue
            case UInt8(ascii: "["):
                brackets += 1
            default:
                break
            }
            if runLength >= 100, mayTrapDecimal(bytes[runStart..<offset]) { return true }
            runLength = 0
        }
        if runLength >= 100, mayTrapDecimal(bytes[runStart...]) { return true }
        return last == UInt8(ascii: "[") && brackets > JSONParser.maximumDepth
    }

    /// Whether a long run of number characters may be a number Foundation traps on.
    private static func mayTrapDecimal(_ run: ArraySlice<UInt8>) -> Bool {
        let text = run.filter { $0 != 0 }
        // With an exponent the value could be anything: assume the worst.
        guard text.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") }) else {
            return true
        }
        guard let double = Double(String(decoding: text, as: UTF8.self)) else { return false }
        return Int64(exactly: double) != nil && double.magnitude >= 0x1p53
    }
}
