// Fuzz target: ReceiptFixtureParser.parse. Built and run by scripts/fuzz.
//
// Invariants: a parsed fixture has trimmed header values, a known expectation, and a body that is the end of the
// file (less one final newline); written back in the documented format it parses to the same fixture. A refused
// file names a line of the file.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let fixture: ReceiptFixture
    do throws(ReceiptFixtureParser.Problem) {
        fixture = try ReceiptFixtureParser.parse(text, file: "fuzz.receipt")
    } catch {
        let lineCount = max(1, text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count)
        require((1...lineCount).contains(error.line), "a problem on line \(error.line) of \(lineCount)")
        require(error.file == "fuzz.receipt" && !error.message.isEmpty, "an unhelpful problem: \(show(error))")
        return 0
    }
    check(fixture, parsedFrom: text)

    let written = write(fixture)
    let again: ReceiptFixture
    do throws(ReceiptFixtureParser.Problem) {
        again = try ReceiptFixtureParser.parse(written, file: "written.receipt")
    } catch {
        violated("a fixture written back does not parse: \(error)\n--- written:\n\(written)")
    }
    require(again == fixture, "a fixture written back parses differently:\n--- written:\n\(show(written))\n--- got: \(show(again))\n--- want: \(show(fixture))")
    // The request a fixture stands for can always be built.
    _ = fixture.payload.mediaType
    return 0
}

private func check(_ fixture: ReceiptFixture, parsedFrom text: String) {
    if let contentType = fixture.contentType {
        require(isTrimmed(contentType), "content-type \(show(contentType)) is not trimmed")
    }
    for header in fixture.headers {
        require(isTrimmed(header.name) && isTrimmed(header.value), "header \(show(header)) is not trimmed")
        require(!header.name.contains(":"), "header name \(show(header.name)) holds a colon")
    }
    if let expectation = fixture.expectation {
        require((100...599).contains(expectation.httpStatus), "expect: status \(expectation.httpStatus)")
        if let outcome = expectation.outcome {
            let batch = outcome == ReceiptFixture.Expectation.batch
            require(ReceiptOutcome(rawValue: outcome) != nil || batch, "expect: unknown outcome \(show(outcome))")
            require(!batch || expectation.statusWritten == nil, "expect: a batch with one status written")
        }
        if let status = expectation.statusWritten {
            require(expectation.outcome != nil, "expect: a status written without an outcome")
            require(NotificationStatus(rawValue: status) != nil, "expect: unknown status \(show(status))")
        }
    }
    // The body is the file's end, byte for byte, less at most one final line ending (LF, or CRLF).
    let body = Array(fixture.body.utf8), file = Array(text.utf8)
    let endsWithBody = { (ending: [UInt8]) in
        file.count >= body.count + ending.count && file.suffix(ending.count).elementsEqual(ending)
            && file.dropLast(ending.count).suffix(body.count).elementsEqual(body)
    }
    require(endsWithBody([]) || endsWithBody([0x0A]) || endsWithBody([0x0D, 0x0A]),
            "the body is not the end of the file, less one line ending: \(show(fixture.body))")
}

/// The fixture in the documented format: header lines, one blank line, the body, one final newline.
private func write(_ fixture: ReceiptFixture) -> String {
    var text = "provider: \(fixture.provider.rawValue)\n"
    if let contentType = fixture.contentType { text += "content-type: \(contentType)\n" }
    for header in fixture.headers { text += "header: \(header.name): \(header.value)\n" }
    if let expectation = fixture.expectation {
        text += "expect: \([String(expectation.httpStatus), expectation.outcome, expectation.statusWritten].compactMap { $0 }.joined(separator: " "))\n"
    }
    return text + "\n" + fixture.body + "\n"
}
