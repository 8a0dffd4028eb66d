import Foundation
import Testing
import TestSupport

@testable import CallbackCore

/// The gateway's own UUID reader and NUL scan, against the slower ones they replace.
@Suite("UUID text and NUL scan")
struct TextScanTests {
    @Test("UUIDText.parse reads canonical text as UUID(uuidString:) does and refuses everything else")
    func uuidAgreesWithFoundation() {
        var random = SeededGenerator(seed: 0x5eed_0001)
        let replacements: [String] = ["0", "9", "a", "f", "A", "F", "g", "G", "-", " ", "{", "}", "x", "é", "\u{0}", "٣", "ｆ"]
        var texts: [String] = ["", "-", String(repeating: "0", count: 36), String(repeating: "-", count: 36),
                               "00000000-0000-0000-0000-000000000000", "{00000000-0000-0000-0000-000000000000}",
                               " 00000000-0000-0000-0000-000000000000", "00000000000000000000000000000000"]
        for _ in 0..<2_000 {
            let uuid = UUID(uuid: (UInt8.random(in: 0...255, using: &random), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                                   UInt8.random(in: 0...255, using: &random))).uuidString
            let canonical = Bool.random(using: &random) ? uuid.lowercased() : uuid
            texts.append(canonical)
            var characters = Array(canonical)
            let position = Int.random(in: 0..<characters.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: characters[position] = Character(replacements.randomElement(using: &random)!)
            case 1: characters.insert(Character(replacements.randomElement(using: &random)!), at: position)
            default: characters.remove(at: position)
            }
            texts.append(String(characters))
        }
        for text in texts {
            if Self.isCanonical(text) {
                #expect(UUIDText.parse(text) == UUID(uuidString: text), "\(text.debugDescription)")
                #expect(UUIDText.parse(text) != nil, "\(text.debugDescription)")
            } else {
                #expect(UUIDText.parse(text) == nil, "\(text.debugDescription)")
            }
        }
        // What Foundation's sscanf-based parser lets through, and this one refuses.
        for lax in ["-8010203-0405-0607-0809-0a0b0c0d0efb", "51010203-0405-0607-0x09-0A0B0C0D0EC0", "+1010203-0405-0607-0809-0a0b0c0d0e0f"] {
            #expect(UUIDText.parse(lax) == nil, "\(lax)")
        }
        #expect(texts.contains { UUIDText.parse($0) == nil } && texts.contains { UUIDText.parse($0) != nil })
    }

    @Test("UUIDText.lowercase writes what uuidString.lowercased() writes, and parse reads it back")
    func uuidWritesAsFoundation() {
        var random = SeededGenerator(seed: 0x5eed_0002)
        var uuids = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                     UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        for _ in 0..<1_000 {
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &random) }
            uuids.append(UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                                     bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])))
        }
        for uuid in uuids {
            #expect(UUIDText.lowercase(uuid) == uuid.uuidString.lowercased())
            #expect(UUIDText.parse(UUIDText.lowercase(uuid)) == uuid)
        }
    }

    /// 8-4-4-4-12 ASCII hex digits, either case.
    private static func isCanonical(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            [8, 13, 18, 23].contains(index) ? byte == UInt8(ascii: "-")
                : (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102)
        }
    }

    @Test("NULScan finds a NUL at any position and in any length, and nothing where there is none")
    func nulAnywhere() {
        for length in 0..<40 {
            let clean = String(repeating: "ab\u{e9}", count: length)
            #expect(!NULScan.contains(clean) && !NULScan.contains(Array(clean.utf8)))
            var bytes = Array(clean.utf8)
            for position in 0..<bytes.count {
                let saved = bytes[position]
                bytes[position] = 0
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(NULScan.contains(bytes) && NULScan.contains(text), "length \(bytes.count), NUL at \(position)")
                bytes[position] = saved
            }
        }
        // Bytes with the high bit set next to zero-free bytes must not read as a NUL.
        #expect(!NULScan.contains([0x80, 0x81, 0xff, 0x01, 0x7f, 0x80, 0x01, 0x01, 0xff]))
    }
}
