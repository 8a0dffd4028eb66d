import Foundation
import Testing

@testable import CallbackServer

/// Answers are written without `JSONEncoder`; they must read exactly as its output did.
@Suite("JSON string literals in answers")
struct JSONQuotingTests {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    @Test("every control character, quotes, backslashes, slashes and non-ASCII text quote as JSONEncoder quotes them")
    func sameAsFoundation() throws {
        let controls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        let samples = ["", "applied", controls, #"say "no" \ / \\"#, "e\u{301}\"\u{301}", "délivré ✓ 🚀\u{7F}\u{2028}", "a\0b"]
        for sample in samples {
            let expected = String(decoding: try Self.encoder.encode(sample), as: UTF8.self)
            #expect(JSONQuoting.quoted(sample) == expected, "\(sample.debugDescription)")
            let decoded = try JSONDecoder().decode(String.self, from: Data(JSONQuoting.quoted(sample).utf8))
            #expect(decoded == sample, "round trip of \(sample.debugDescription)")
        }
    }
}
