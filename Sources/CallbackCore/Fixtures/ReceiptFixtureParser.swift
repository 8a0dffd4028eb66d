/// Reads the fixture format of ``ReceiptFixture``.
public enum ReceiptFixtureParser {
    /// Why a fixture file cannot be read; the message names the file, the line and what to change.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The file, as given.
        public var file: String
        /// The 1-based line.
        public var line: Int
        /// What is wrong.
        public var message: String

        public var description: String { "\(file):\(line): \(message)" }
    }

    /// Parses a fixture file's text.
    public static func parse(_ text: String, file: String) throws(Problem) -> ReceiptFixture {
        // Lines end at LF or CRLF (one Character in Swift); the body is taken from the text itself, byte for byte.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var provider: Provider?
        var contentType: String?
        var headers: [(name: String, value: String)] = []
        var expectation: ReceiptFixture.Expectation?
        var bodyStart = text.endIndex
        for (offset, line) in lines.enumerated() {
            let number = offset + 1
            if line.isEmpty {
                bodyStart = line.endIndex < text.endIndex ? text.index(after: line.endIndex) : text.endIndex
                break
            }
            if line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw Problem(file: file, line: number, message: "expected `name: value` or a blank line before the body")
            }
            let name = line[..<colon].trimmingWhitespace().lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            switch name {
            case "provider":
                guard let known = Provider(rawValue: value) else {
                    throw Problem(file: file, line: number, message: "unknown provider \"\(value)\"; use one of \(ProviderRegistry.names)")
                }
                provider = known
            case "content-type":
                contentType = value
            case "header":
                guard let separator = value.firstIndex(of: ":") else {
                    throw Problem(file: file, line: number, message: "a header line needs `header: Name: value`")
                }
                headers.append((value[..<separator].trimmingWhitespace(), value[value.index(after: separator)...].trimmingWhitespace()))
            case "expect":
                expectation = try parseExpectation(value, file: file, line: number)
            default:
                throw Problem(file: file, line: number, message: "unknown header line \"\(name)\"; use provider, content-type, header or expect")
            }
        }
        guard let provider else {
            throw Problem(file: file, line: 1, message: "no `provider:` line; add `provider: <name>` above the body, the name one of \(ProviderRegistry.names)")
        }
        var body = String(text[bodyStart...]).unicodeScalars
        // Editors end a file with a newline; it is not part of the body. It is the file's own line ending (CRLF when
        // its first line ends so, else LF), taken scalar by scalar: a body ending in CR keeps that CR under an LF
        // ending, where the two would otherwise read as one CRLF `Character` and go together.
        let endsLinesWithCRLF = text.unicodeScalars.firstIndex(of: "\n").map { newline in
            newline > text.unicodeScalars.startIndex && text.unicodeScalars[text.unicodeScalars.index(before: newline)] == "\r"
        } ?? false
        let ending: [Unicode.Scalar] = endsLinesWithCRLF ? ["\r", "\n"] : ["\n"]
        if body.suffix(ending.count).elementsEqual(ending) {
            body.removeLast(ending.count)
        }
        return ReceiptFixture(provider: provider, contentType: contentType, headers: headers, body: String(body), expectation: expectation)
    }

    private static func parseExpectation(_ value: String, file: String, line: Int) throws(Problem) -> ReceiptFixture.Expectation {
        let words = value.split(separator: " ").map(String.init)
        guard let first = words.first, let status = Int(first), (100...599).contains(status), words.count <= 3 else {
            throw Problem(file: file, line: line, message: "expected `expect: <HTTP status> [outcome] [status written]`, e.g. `expect: 200 applied delivered`")
        }
        if words.count > 1, ReceiptOutcome(rawValue: words[1]) == nil, words[1] != ReceiptFixture.Expectation.batch {
            let known = ReceiptOutcome.allCases.map(\.rawValue) + [ReceiptFixture.Expectation.batch]
            throw Problem(file: file, line: line, message: "unknown outcome \"\(words[1])\"; use one of \(known.joined(separator: ", "))")
        }
        if words.count > 2, words[1] == ReceiptFixture.Expectation.batch {
            throw Problem(file: file, line: line, message: "a batch writes no one status; use `expect: <HTTP status> batch`")
        }
        if words.count > 2, NotificationStatus(rawValue: words[2]) == nil {
            throw Problem(file: file, line: line, message: "unknown status \"\(words[2])\"")
        }
        return ReceiptFixture.Expectation(
            httpStatus: status,
            outcome: words.count > 1 ? words[1] : nil,
            statusWritten: words.count > 2 ? words[2] : nil
        )
    }
}
