import Foundation
import Testing
import TestSupport

@testable import CallbackCore

/// JSONParser must answer exactly as the Foundation decoding it replaced (``FoundationJSON``) for every input: an
/// adapter's problems, and so the gateway's answers, depend on which bodies are JSON and what they hold.
@Suite("JSON parser")
struct JSONParserTests {
    /// Each case with the answer written out, so the table documents what Foundation does; `nil` is "not JSON".
    static let edgeCases: [(String, JSONValue?)] = [
        // Not JSON at all, or not only JSON.
        ("", nil), (" ", nil), ("\t\n\r ", nil), ("1x", nil), ("1 2", nil), ("[1]x", nil), ("{}x", nil),
        ("/*c*/1", nil), ("1//c", nil), ("[", nil), ("]", nil), ("{", nil), ("}", nil), ("\"abc", nil), ("\"", nil),
        // Whitespace is space, tab, LF and CR only; anything may stand alone at the top level.
        (" \t\n\r1 \t\n\r", .integer(1)), ("\u{0C}1", nil), ("\u{0B}1", nil), ("\u{A0}1", nil),
        ("\"abc\"", .string("abc")), ("3", .integer(3)), ("null", .null), ("true", .bool(true)), ("false", .bool(false)),
        ("True", nil), ("nul", nil), ("truex", nil), ("tru", nil), ("NaN", nil), ("Infinity", nil), ("-Infinity", nil),
        // A UTF-8 byte order mark is skipped; only one.
        ("\u{FEFF}{}", .object([:])), ("\u{FEFF}1", .integer(1)), ("\u{FEFF}", nil), ("\u{FEFF}\u{FEFF}1", nil),
        // Trailing commas are allowed, empty elements are not.
        ("[1,]", .array([.integer(1)])), ("[1 ,\n]", .array([.integer(1)])), ("{\"a\":1,}", .object(["a": .integer(1)])),
        ("[,]", nil), ("[1,,]", nil), ("[,1]", nil), ("{,}", nil), ("{\"a\":1,,}", nil), ("[1,]]", nil),
        ("{1:2}", nil), ("{\"a\" 1}", nil), ("{\"a\":}", nil), ("[1 2]", nil),
        // Numbers: the JSON grammar.
        ("01", nil), ("-01", nil), ("00", nil), ("+1", nil), (".5", nil), ("1.", nil), ("-", nil), ("1e", nil),
        ("1e+", nil), ("1.e5", nil), ("-.5", nil), ("0x10", nil), ("1_0", nil), ("1e5.0", nil), ("0e", nil),
        // Whole numbers that fit Int64 are integers, whatever their spelling.
        ("0", .integer(0)), ("-0", .integer(0)), ("-0.0", .integer(0)), ("0e0", .integer(0)), ("-0e-0", .integer(0)),
        ("3.0", .integer(3)), ("3e0", .integer(3)), ("30e-1", .integer(3)), ("0.1e1", .integer(1)), ("1E2", .integer(100)),
        ("1E+05", .integer(100_000)), ("1e-0", .integer(1)), ("1e18", .integer(1_000_000_000_000_000_000)),
        ("100000000000000000000e-2", .integer(1_000_000_000_000_000_000)),
        ("9223372036854775807", .integer(.max)), ("-9223372036854775808", .integer(.min)),
        ("9223372036854775808", .number(9_223_372_036_854_775_808)), ("-9223372036854775809", .number(-9_223_372_036_854_775_808)),
        ("1e19", .number(1e19)), ("12345678901234567890123", .number(1.2345678901234568e22)),
        // Read as a Double first: digits beyond its precision vanish, and tiny numbers become 0.
        ("1.0000000000000000001", .integer(1)), ("4503599627370496.5", .integer(4_503_599_627_370_496)),
        ("4503599627370497.5", .integer(4_503_599_627_370_498)), ("1e-400", .integer(0)), ("-1e-400", .integer(0)),
        ("2e-324", .integer(0)), ("4.9e-324", .number(.leastNonzeroMagnitude)), ("1e-2", .number(0.01)), ("1.5", .number(1.5)),
        ("1.7976931348623157e308", .number(.greatestFiniteMagnitude)), ("1e999", nil), ("-1e999", nil),
        ("1.7976931348623159e308", nil),
        // From 2^53 up, Foundation reads the text as a Decimal and truncates it, when its significand fits 64 bits.
        ("9007199254740993", .integer(9_007_199_254_740_993)), ("9007199254740993.0", .integer(9_007_199_254_740_993)),
        ("9007199254740993.5", .integer(9_007_199_254_740_993)), ("-9007199254740993.5", .integer(-9_007_199_254_740_993)),
        ("9007199254740993.999", .integer(9_007_199_254_740_993)), ("9007199254740993.9999", .number(9_007_199_254_740_994)),
        ("9007199254740993.0001", .number(9_007_199_254_740_994)), ("9007199254740993e0", .integer(9_007_199_254_740_993)),
        ("18446744073709551615e-1", .integer(1_844_674_407_370_955_161)),
        ("184467440737095516159e-2", .number(1.8446744073709553e18)),
        ("9223372036854775807.0", .number(9_223_372_036_854_775_808)), ("9223372036854775807e0", .number(9_223_372_036_854_775_808)),
        ("9223372036854774784.0", .integer(9_223_372_036_854_774_784)), ("-9223372036854775807.0", .integer(-9_223_372_036_854_775_807)),
        ("-9223372036854775808.0", .number(-9_223_372_036_854_775_808)), ("9.223372036854775807e18", .number(9_223_372_036_854_775_808)),
        ("1000000000000000000000000000000000000000000e-24", .integer(1_000_000_000_000_000_000)),
        // The Decimal significand holds 128 bits: a 39th digit is dropped, a 38th kept (and then too big for 64).
        ("9007199254740993.0000000000000000000001", .number(9_007_199_254_740_994)),
        ("9007199254740993.00000000000000000000001", .integer(9_007_199_254_740_993)),
        // Digits dropped from the integer part raise the Decimal exponent; fraction digits lower it (to -128 at most).
        ("[9007199254740993" + String(repeating: "0", count: 140) + "e-140]", .array([.integer(9_007_199_254_740_993)])),
        ("0." + String(repeating: "0", count: 110) + "9007199254740993e126", .integer(9_007_199_254_740_993)),
        // Strings: escapes, NUL kept, surrogates only in pairs, control characters and bad escapes refused.
        ("\"a\\/b\"", .string("a/b")), ("\"\\b\\f\\n\\r\\t\\\"\\\\\"", .string("\u{08}\u{0C}\n\r\t\"\\")),
        ("\"\\u0000\"", .string("\0")), ("\"a\\u0000b\"", .string("a\0b")), ("\"\\u00e9\"", .string("é")), ("\"é\"", .string("é")),
        ("\"\\ud83d\\ude00\"", .string("😀")), ("\"\\uDBFF\\uDFFF\"", .string("\u{10FFFF}")), ("\"\\ud800\"", nil),
        ("\"\\udfff\"", nil), ("\"\\ud800x\"", nil), ("\"\\ud800\\u0041\"", nil), ("\"\\ud800\\ud800\"", nil),
        ("\"\\uDFFF\\uD800\"", nil), ("\"\\uD83D\\\\\"", nil), ("\"\\x\"", nil), ("\"\\'\"", nil), ("\"\\u12\"", nil),
        ("\"\\u12g4\"", nil), ("\"\\U0041\"", nil), ("\"\\u+041\"", nil), ("\"\\u 041\"", nil), ("\"\u{01}\"", nil),
        ("\"\t\"", nil), ("\"\u{1F}\"", nil), ("\"\u{7F}\"", .string("\u{7F}")), ("\"\u{2028}\"", .string("\u{2028}")),
        // Repeated keys: the first wins; the later values are only scanned, so a bad string or number there passes,
        // but broken structure does not. Keys are compared as Swift strings.
        ("{\"a\":1,\"a\":2}", .object(["a": .integer(1)])), ("{\"\\u0061\":1,\"a\":\"x\"}", .object(["a": .integer(1)])),
        ("{\"é\":1,\"e\u{301}\":2}", .object(["é": .integer(1)])),
        ("{\"a\":1,\"a\":\"\\x\"}", .object(["a": .integer(1)])), ("{\"a\":1,\"a\":01}", .object(["a": .integer(1)])),
        ("{\"a\":1,\"a\":-}", .object(["a": .integer(1)])), ("{\"a\":1,\"a\":1e999}", .object(["a": .integer(1)])),
        ("{\"a\":1,\"a\":[1.2.3,-e+]}", .object(["a": .integer(1)])), ("{\"a\":1,\"a\":{\"\\x\":\"\\ud800\"}}", .object(["a": .integer(1)])),
        ("{\"a\":1,\"a\":\"\u{01}\"}", .object(["a": .integer(1)])), ("{\"a\":1,\"a\":\"\\uZZZZ\"}", .object(["a": .integer(1)])),
        ("{\"a\":1,\"a\":\"\\u12\"}", nil), ("{\"a\":1,\"a\":\"\\\"}", nil), ("{\"a\":1,\"a\":tru}", nil),
        ("{\"a\":1,\"a\":+1}", nil), ("{\"a\":1,\"a\":.5}", nil), ("{\"a\":1,\"a\":[1,,]}", nil), ("{\"a\":1,\"\\x\":2}", nil),
        ("{\"a\":1,\"a\":\"\\ud800\"}", .object(["a": .integer(1)])), ("{\"a\":\"\\ud800\",\"a\":1}", nil),
        ("{\"a\":[1,{\"b\":null}]}", .object(["a": .array([.integer(1), .object(["b": .null])])])),
        ("[1,2.5,\"x\",true,null,[],{}]", .array([.integer(1), .number(2.5), .string("x"), .bool(true), .null, .array([]), .object([:])])),
    ]

    @Test("edge cases give the documented answer, and Foundation's")
    func edgeCaseTable() {
        for (text, expected) in Self.edgeCases {
            let bytes = Array(text.utf8)
            #expect(JSONParser.parse(bytes) == expected, "\(text.debugDescription)")
            #expect(FoundationJSON.parse(bytes) == expected, "Foundation on \(text.debugDescription)")
        }
    }

    /// Bytes that are not UTF-8: other encodings Foundation recognises, and malformed UTF-8 in strings.
    static let byteCases: [([UInt8], JSONValue?)] = [
        ([0x22, 0xFF, 0x22], nil), ([0x22, 0xC3, 0x22], nil), ([0x22, 0xED, 0xA0, 0x80, 0x22], nil),
        ([0x22, 0xC0, 0x80, 0x22], nil), ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], nil), ([0xFF], nil),
        ([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22], .string("😀")),
        ([0xEF, 0xBB, 0xBF, 0x7B, 0x7D], .object([:])),
        ([0xFE, 0xFF, 0x00, 0x7B, 0x00, 0x7D], .object([:])), ([0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00], .object([:])),
        ([0x7B, 0x00, 0x7D, 0x00], .object([:])), ([0x00, 0x7B, 0x00, 0x7D], .object([:])),
        ([0x31, 0x00], .integer(1)), ([0x00, 0x31], .integer(1)), ([0x31, 0x00, 0x00, 0x00], .integer(1)),
        ([0x00, 0x00, 0x00, 0x31], .integer(1)), ([0x00], nil), ([0x22, 0x00, 0x22], nil), ([0x5B, 0x5D, 0x00], nil),
        ([0x22, 0x00, 0x00, 0xD8, 0x22, 0x00], nil),
    ]

    @Test("other encodings and malformed UTF-8 give Foundation's answer")
    func byteTable() {
        for (bytes, expected) in Self.byteCases {
            #expect(JSONParser.parse(bytes) == expected, "\(bytes)")
            #expect(FoundationJSON.parse(bytes) == expected, "Foundation on \(bytes)")
        }
    }

    /// Foundation takes over a second on a document nested 512 deep (its time grows with the cube of the depth), so
    /// it is asked about one such document only; the deeper ones it refuses at once.
    @Test("512 nested arrays or objects are read, 513 are not")
    func depthLimit() {
        for (depth, accepted) in [(1, true), (511, true), (512, true), (513, false), (600, false)] {
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
            let mixed = String(repeating: "[", count: depth - 1) + "{}" + String(repeating: "]", count: depth - 1)
            for text in [arrays, objects, mixed] {
                let bytes = Array(text.utf8)
                #expect((JSONParser.parse(bytes) != nil) == accepted, "depth \(depth): \(text.prefix(8))…")
                if !accepted || text == arrays && depth == 512 {
                    #expect(FoundationJSON.parse(bytes) == JSONParser.parse(bytes), "depth \(depth): \(text.prefix(8))…")
                }
            }
        }
    }

    /// Inputs on which Foundation stops the process (so the gateway crashed); the parser answers.
    @Test("inputs that made Foundation trap get an answer")
    func foundationTraps() {
        let cases: [(String, JSONValue?)] = [
            (String(repeating: "[", count: 513), nil),
            ("9007199254740993" + String(repeating: "0", count: 300) + "e-300", .number(9_007_199_254_740_992)),
            ("0." + String(repeating: "0", count: 130) + "9007199254740993e146", .number(9_007_199_254_740_992)),
            ("[9007199254740993" + String(repeating: "0", count: 150) + "e-150]", .array([.number(9_007_199_254_740_992)])),
        ]
        for (text, expected) in cases {
            #expect(FoundationJSON.trapsFoundation(Array(text.utf8)))
            #expect(JSONParser.parse(Array(text.utf8)) == expected, "\(text.prefix(20))…")
        }
    }

    @Test("every fixture body, and every SES Message inside one, reads as with Foundation")
    func fixtures() throws {
        let bodies = try Self.fixtureBodies()
        #expect(bodies.count >= 30)
        for body in bodies {
            #expect(JSONParser.parse(body) == FoundationJSON.parse(body), "\(String(decoding: body.prefix(80), as: UTF8.self))")
        }
    }

    /// 20,000 mutations in four seeded batches, which run side by side.
    @Test("20,000 mutated fixture bodies read as with Foundation", arguments: 0..<4)
    func mutations(batch: UInt64) throws {
        let bodies = try Self.fixtureBodies()
        var generator = SeededGenerator(seed: 0x4A53_4F4E + batch)
        var compared = 0
        var accepted = 0
        for round in 0..<5_000 {
            let body = Self.mutate(bodies[round % bodies.count], using: &generator)
            let parsed = JSONParser.parse(body)
            if parsed != nil { accepted += 1 }
            guard !FoundationJSON.trapsFoundation(body) else { continue }
            compared += 1
            let expected = FoundationJSON.parse(body)
            guard parsed == expected else {
                Issue.record("batch \(batch) round \(round): \(String(decoding: body, as: UTF8.self).debugDescription) gave \(String(describing: parsed)), Foundation \(String(describing: expected))")
                return
            }
        }
        // The mutations must reach both answers, or the comparison proves little.
        #expect(compared > 4_750)
        #expect(accepted > 250 && accepted < 4_750, "\(accepted) accepted")
    }

    // MARK: - Inputs

    /// The bodies of the JSON fixtures (MMG and SES), and the SES events inside their envelopes.
    static func fixtureBodies() throws -> [[UInt8]] {
        var bodies: [[UInt8]] = []
        for (path, text) in try FixtureFiles.receipts() {
            let fixture = try ReceiptFixtureParser.parse(text, file: path)
            guard fixture.provider != .firetext else { continue }
            bodies.append(Array(fixture.body.utf8))
            if case .object(let members)? = JSONParser.parse(bodies.last!), case .string(let message)? = members["Message"] {
                bodies.append(Array(message.utf8))
            }
        }
        return bodies
    }

    /// Bytes that change what a JSON reader does.
    static let significant = Array("{}[],:\"\\ \n\t0123456789-+.eEtfnulsr/bu".utf8) + [0x00, 0x01, 0x1F, 0x7F, 0x80, 0xC3, 0xE2, 0xED, 0xF0, 0xFF]

    /// Texts worth splicing in whole: numbers at Foundation's boundaries, escapes, other encodings' markers.
    static let fragments = [
        "9007199254740993.5", "9223372036854775808", "-9223372036854775808", "1e999", "1e-400", "3.0", "0.1e1",
        "100000000000000000000e-2", "\\ud800", "\\ud83d\\ude00", "\\u0000", "\\x", "\"a\":1,\"a\":", "true", "null",
        ",]", ",}", "\u{FEFF}", "é", "e\u{301}",
    ].map { Array($0.utf8) }

    /// One to four random edits: byte changes, insertions of significant bytes or fragments, deletions, truncation,
    /// and now and then nesting near the depth limit or a switch to UTF-16.
    static func mutate(_ original: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        for _ in 0...Int.random(in: 0...3, using: &generator) {
            let position = Int.random(in: 0...bytes.count, using: &generator)
            switch Int.random(in: 0..<100, using: &generator) {
            case 0..<25 where position < bytes.count:
                bytes[position] = UInt8.random(in: 0...255, using: &generator)
            case 25..<50:
                bytes.insert(significant.randomElement(using: &generator)!, at: position)
            case 50..<65:
                bytes.insert(contentsOf: fragments.randomElement(using: &generator)!, at: position)
            case 65..<80 where position < bytes.count:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...8, using: &generator)))
            case 80..<88:
                bytes.removeSubrange(position...)
            case 88..<93:
                // Beyond the limit (which Foundation refuses at once), or shallow: a deep document costs it seconds.
                let depth = Bool.random(using: &generator)
                    ? Int.random(in: 513...520, using: &generator) : Int.random(in: 1...20, using: &generator)
                let (open, close) = Bool.random(using: &generator) ? ("[", "]") : ("{\"k\":", "}")
                bytes = Array(String(repeating: open, count: depth).utf8) + bytes + Array(String(repeating: close, count: depth).utf8)
            case 93..<95:
                // As UTF-16, little- or big-endian, with or without a byte order mark.
                let bigEndian = Bool.random(using: &generator)
                let units = Array(String(decoding: bytes, as: UTF8.self).utf16)
                bytes = (Bool.random(using: &generator) ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : [])
                    + units.flatMap { bigEndian ? [UInt8($0 >> 8), UInt8($0 & 0xFF)] : [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            default:
                bytes.insert(contentsOf: bytes[position..<min(bytes.count, position + 16)], at: position)
            }
        }
        return bytes
    }
}
