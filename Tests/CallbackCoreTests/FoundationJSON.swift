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
        let text = bytes.filter { $0 != 0 }
        if text.last == UInt8(ascii: "["), text.count(where: { $0 == UInt8(ascii: "[") }) > JSONParser.maximumDepth {
            return true
        }
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        let numberPunctuation = Array(".eE+-".utf8)
        var run: [UInt8] = []
        for byte in text + [0] {
            if isDigit(byte) || numberPunctuation.contains(byte) {
                run.append(byte)
                continue
            }
            defer { run.removeAll(keepingCapacity: true) }
            guard run.count >= 100 else { continue }
            // With an exponent the value could be anything: assume the worst.
            guard run.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }) else { return true }
            if let double = Double(String(decoding: run, as: UTF8.self)), Int64(exactly: double) != nil,
               double.magnitude >= 0x1p53 {
                return true
            }
        }
        return false
    }
}
