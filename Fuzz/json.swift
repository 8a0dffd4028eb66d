// Fuzz target: JSONParser against the Foundation decoding it replaced (Tests/CallbackCoreTests/FoundationJSON.swift,
// compiled in by scripts/fuzz). Built and run by scripts/fuzz.
//
// Every input must read to the same JSONValue, or be "not JSON" for both. The few inputs on which Foundation stops
// the process instead of answering are not compared; any document ending in '[' is not JSON, so there the parser
// must say so.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = bytes(data, size)
    let parsed = JSONParser.parse(input)
    guard !FoundationJSON.trapsFoundation(input) else {
        if input.last(where: { $0 != 0 }) == UInt8(ascii: "[") {
            require(parsed == nil, "a document ending in '[' read as \(show(parsed))")
        }
        return 0
    }
    let expected = FoundationJSON.parse(input)
    require(parsed == expected, "JSONParser read \(show(parsed)), Foundation \(show(expected))")
    return 0
}
