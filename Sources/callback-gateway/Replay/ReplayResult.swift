import CallbackCore

/// What the gateway answered to one replayed fixture.
struct ReplayResult: Sendable {
    var path: String
    var provider: Provider
    var httpStatus: Int
    /// The answer's `outcome`, for a 200.
    var outcome: String?
    /// The answer's `status`, when one was written.
    var status: String?
    var expectation: ReceiptFixture.Expectation?

    /// A rejection the fixture did not announce with `expect:`; it makes `replay` exit non-zero.
    var isUnexpectedRejection: Bool {
        httpStatus != 200 && expectation?.httpStatus != httpStatus
    }

    /// Whether the answer is the one `expect:` states; `nil` without an expectation.
    var matchesExpectation: Bool? {
        guard let expectation else { return nil }
        return expectation.httpStatus == httpStatus
            && (expectation.outcome == nil || expectation.outcome == outcome)
            && (expectation.statusWritten == nil || expectation.statusWritten == status)
    }

    /// The summary row it counts in: `applied` with the status written, `rejected` with the HTTP status, or the
    /// outcome alone.
    var bucket: (outcome: String, detail: String) {
        if httpStatus != 200 { return ("rejected", String(httpStatus)) }
        if outcome == "applied" { return ("applied", status ?? "") }
        return (outcome ?? "unknown", "")
    }

    /// One line for logs and plain progress output.
    var line: String {
        var words = [String(httpStatus), bucket.outcome]
        if !bucket.detail.isEmpty, httpStatus == 200 { words.append(bucket.detail) }
        if matchesExpectation == false { words.append("(expected \(expectationText))") }
        return words.joined(separator: " ") + "  " + path
    }

    private var expectationText: String {
        guard let expectation else { return "" }
        return [String(expectation.httpStatus), expectation.outcome, expectation.statusWritten].compactMap { $0 }.joined(separator: " ")
    }
}
