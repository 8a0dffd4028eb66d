import CallbackCore
import Foundation
import Testing

@Suite("Receipt fixture parser")
struct ReceiptFixtureParserTests {
    @Test("headers, comments and the body, byte for byte")
    func valid() throws {
        let fixture = try ReceiptFixtureParser.parse("""
            # SNS delivers an SES event.
            provider: ses
            # comments may sit between header lines
            Content-Type:   text/plain; charset=UTF-8
            header: x-amz-sns-message-type: Notification
            header: X-Amz-Sns-Topic-Arn: arn:aws:sns:eu-west-2:123456789012:ses-callbacks
            expect: 200 applied delivered

            {
              "Type" : "Notification"
            }

            """, file: "ses.receipt")
        #expect(fixture.provider == .ses)
        #expect(fixture.contentType == "text/plain; charset=UTF-8")
        #expect(fixture.headers.map(\.name) == ["x-amz-sns-message-type", "X-Amz-Sns-Topic-Arn"])
        #expect(fixture.headers.map(\.value) == ["Notification", "arn:aws:sns:eu-west-2:123456789012:ses-callbacks"])
        #expect(fixture.expectation == .init(httpStatus: 200, outcome: "applied", statusWritten: "delivered"))
        #expect(fixture.body == "{\n  \"Type\" : \"Notification\"\n}")
        #expect(fixture.payload.headers == ["x-amz-sns-message-type": "Notification", "x-amz-sns-topic-arn": "arn:aws:sns:eu-west-2:123456789012:ses-callbacks"])
    }

    @Test("a file saved with CRLF line ends reads like the same file with LF")
    func crlf() throws {
        let text = "# Firetext, saved on Windows.\r\nprovider: firetext\r\ncontent-type: application/x-www-form-urlencoded\r\nexpect: 200 applied delivered\r\n\r\nstatus=0&reference=1f000000-0000-4000-8000-000000000101\r\n"
        let fixture = try ReceiptFixtureParser.parse(text, file: "crlf.receipt")
        #expect(fixture.provider == .firetext)
        #expect(fixture.contentType == "application/x-www-form-urlencoded")
        #expect(fixture.expectation?.outcome == "applied")
        #expect(fixture.body == "status=0&reference=1f000000-0000-4000-8000-000000000101")
    }

    @Test("one final newline is not part of the body; any other is", arguments: [
        ("a=1", "a=1"), ("a=1\n", "a=1"), ("a=1\n\n", "a=1\n"), ("a=1\nb=2\n", "a=1\nb=2"), ("", ""), ("\n", ""),
    ])
    func finalNewline(body: String, expected: String) throws {
        let fixture = try ReceiptFixtureParser.parse("provider: firetext\n\n" + body, file: "f.receipt")
        #expect(fixture.body == expected)
    }

    @Test("a file without a body gives an empty body and no expectation")
    func headersOnly() throws {
        let fixture = try ReceiptFixtureParser.parse("provider: mmg\n", file: "f.receipt")
        #expect(fixture.body == "")
        #expect(fixture.expectation == nil)
        #expect(fixture.contentType == nil)
    }

    @Test("expect: with the status only, or with an outcome only")
    func shortExpectations() throws {
        let statusOnly = try ReceiptFixtureParser.parse("provider: ses\nexpect: 400\n\n{}", file: "f")
        #expect(statusOnly.expectation == .init(httpStatus: 400, outcome: nil, statusWritten: nil))
        let outcomeOnly = try ReceiptFixtureParser.parse("provider: ses\nexpect: 200   duplicate\n\n{}", file: "f")
        #expect(outcomeOnly.expectation == .init(httpStatus: 200, outcome: "duplicate", statusWritten: nil))
    }

    @Test("expect: 200 batch, the answer to a batch of events, which writes no one status")
    func batchExpectation() throws {
        let batch = try ReceiptFixtureParser.parse("provider: sendgrid\nexpect: 200 batch\n\n[]", file: "f")
        #expect(batch.expectation == .init(httpStatus: 200, outcome: ReceiptFixture.Expectation.batch, statusWritten: nil))
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var line: Int
        var message: String
        var testDescription: String { name }
    }

    static let errors: [ErrorCase] = [
        ErrorCase(name: "no provider", text: "# a comment\ncontent-type: application/json\n\n{}", line: 1,
                  message: "no `provider:` line; add `provider: <name>` above the body, the name one of \(ProviderRegistry.names)"),
        ErrorCase(name: "unknown provider", text: "# Acme?\nprovider: acme\n\nx", line: 2,
                  message: "unknown provider \"acme\"; use one of \(ProviderRegistry.names)"),
        ErrorCase(name: "unknown header line", text: "provider: mmg\nsubject: hello\n\n{}", line: 2,
                  message: "unknown header line \"subject\"; use provider, content-type, header or expect"),
        ErrorCase(name: "expect without a number", text: "provider: mmg\nexpect: ok\n\n{}", line: 2,
                  message: "expected `expect: <HTTP status> [outcome] [status written]`, e.g. `expect: 200 applied delivered`"),
        ErrorCase(name: "expect out of range", text: "provider: mmg\nexpect: 99\n\n{}", line: 2,
                  message: "expected `expect: <HTTP status> [outcome] [status written]`, e.g. `expect: 200 applied delivered`"),
        ErrorCase(name: "expect with four words", text: "provider: mmg\nexpect: 200 applied delivered twice\n\n{}", line: 2,
                  message: "expected `expect: <HTTP status> [outcome] [status written]`, e.g. `expect: 200 applied delivered`"),
        ErrorCase(name: "expect with an unknown outcome", text: "provider: mmg\n# c\nexpect: 200 delivered\n\n{}", line: 3,
                  message: "unknown outcome \"delivered\"; use one of applied, duplicate, waiting, orphaned, unmapped, complaint, ignored, invalid, batch"),
        ErrorCase(name: "expect: batch with a status", text: "provider: sendgrid\nexpect: 200 batch delivered\n\n[]", line: 2,
                  message: "a batch writes no one status; use `expect: <HTTP status> batch`"),
        ErrorCase(name: "expect with an unknown status", text: "provider: mmg\nexpect: 200 applied deliverd\n\n{}", line: 2,
                  message: "unknown status \"deliverd\""),
        ErrorCase(name: "header line without a colon", text: "provider: firetext\ncontent-type application/json\n\nx", line: 2,
                  message: "expected `name: value` or a blank line before the body"),
        ErrorCase(name: "header: without Name: value", text: "provider: ses\nheader: x-amz-sns-message-type Notification\n\n{}", line: 2,
                  message: "a header line needs `header: Name: value`"),
    ]

    @Test("each problem names the file, the line and what to change", arguments: errors)
    func problems(_ item: ErrorCase) {
        let problem = #expect(throws: ReceiptFixtureParser.Problem.self) {
            try ReceiptFixtureParser.parse(item.text, file: "fixtures/x.receipt")
        }
        #expect(problem?.file == "fixtures/x.receipt")
        #expect(problem?.line == item.line)
        #expect(problem?.message == item.message)
        #expect(problem?.description == "fixtures/x.receipt:\(item.line): \(item.message)")
    }

    @Test("every file in fixtures/ parses, says what it shows and what it expects")
    func everyFixtureParses() throws {
        let files = try FixtureFiles.receipts()
        #expect(files.count >= 40)
        for (path, text) in files {
            let fixture = try ReceiptFixtureParser.parse(text, file: path)
            #expect(text.hasPrefix("# "), "\(path) starts with a comment saying what it shows")
            #expect(fixture.expectation != nil, "\(path) has an expect: line")
            #expect(!fixture.body.isEmpty, "\(path) has a body")
            let folder = path.split(separator: "/").dropFirst().first.map(String.init)
            if folder != "malformed" {
                #expect(fixture.provider.rawValue == folder, "\(path) is in its provider's folder")
            }
        }
    }

    @Test("fixtures hold only fictional phone numbers (447700900xxx) and addresses (@example.com)")
    func fictionalData() throws {
        let phone = try Regex("44[0-9]{10}")
        let email = try Regex("@[A-Za-z0-9.-]+")
        for (path, text) in try FixtureFiles.receipts() {
            for match in text.matches(of: phone) {
                #expect(text[match.range].hasPrefix("447700900"), "\(path): \(text[match.range])")
            }
            for match in text.matches(of: email) {
                #expect(text[match.range] == "@example.com", "\(path): \(text[match.range])")
            }
        }
    }

    @Test("a body ending in CR keeps it under the file's LF ending, and under a CRLF file's CRLF ending")
    func bodyEndingInCR() throws {
        #expect(try ReceiptFixtureParser.parse("provider: mmg\n\nabc\r\n", file: "lf.receipt").body == "abc\r")
        #expect(try ReceiptFixtureParser.parse("provider: mmg\n\nabc\r\r", file: "none.receipt").body == "abc\r\r")
        #expect(try ReceiptFixtureParser.parse("provider: mmg\r\n\r\nabc\r\r\n", file: "crlf.receipt").body == "abc\r")
        #expect(try ReceiptFixtureParser.parse("provider: mmg\n\nabc\n\n", file: "two.receipt").body == "abc\n")
    }
}

/// The `.receipt` files under `<package root>/fixtures`, as (path relative to the root, text), in replay order.
enum FixtureFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func receipts() throws -> [(path: String, text: String)] {
        let folder = root.appendingPathComponent("fixtures")
        let enumerator = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil))
        let rootPath = root.standardizedFileURL.path + "/"
        return try enumerator.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "receipt" }
            .map { (String($0.standardizedFileURL.path.dropFirst(rootPath.count)), try String(contentsOf: $0, encoding: .utf8)) }
            .sorted { $0.path < $1.path }
    }
}
