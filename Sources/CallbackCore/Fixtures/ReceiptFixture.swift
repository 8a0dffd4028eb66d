/// A receipt exactly as a provider sends it, kept in a file a person can read and edit:
///
/// ```
/// # Firetext says the message was delivered.
/// provider: firetext
/// content-type: application/x-www-form-urlencoded
/// expect: 200 applied delivered
///
/// mobile=447700900123&status=0&time=2026-11-29+10%3A15%3A00&reference=9a1e...
/// ```
///
/// Header lines come first, then one blank line, then the body, sent byte for byte (one final line ending, which
/// editors add, is not part of it: LF, or CRLF in a file whose lines end in CRLF). Header lines:
/// - `provider:` the provider's name, as ``ProviderRegistry`` knows it: `firetext`, `ses`, `sendgrid`, ... (required)
/// - `content-type:` the request's `Content-Type` (optional; a request may come without one)
/// - `header:` `Name: value`, another HTTP header to send, such as `x-amz-sns-message-type` (repeatable)
/// - `expect:` `<HTTP status> [outcome] [status written]`, what the gateway answers when the fixtures are
///   replayed in file order onto freshly seeded notifications (optional; the tests check it). The outcome is a
///   ``ReceiptOutcome``, or `batch` for a request of several events (SendGrid), whose answer counts an outcome per
///   event and writes no one status
/// - lines starting with `#` are comments.
public struct ReceiptFixture: Sendable, Hashable {
    /// Who sends it.
    public var provider: Provider
    /// The `Content-Type` it is sent with, if any.
    public var contentType: String?
    /// Further headers, in order.
    public var headers: [(name: String, value: String)]
    /// The body, exactly.
    public var body: String
    /// What replaying it should give, if stated.
    public var expectation: Expectation?

    /// What the gateway is expected to answer.
    public struct Expectation: Sendable, Hashable {
        /// The HTTP status.
        public var httpStatus: Int
        /// The `outcome` of the answer, for a 200: a ``ReceiptOutcome``, or ``batch``.
        public var outcome: String?
        /// The `status` written, when one is.
        public var statusWritten: String?

        /// The outcome of the answer to a batch of events: `{"outcome":"batch","outcomes":{...}}`.
        public static let batch = "batch"

        /// Creates an expectation.
        public init(httpStatus: Int, outcome: String? = nil, statusWritten: String? = nil) {
            self.httpStatus = httpStatus
            self.outcome = outcome
            self.statusWritten = statusWritten
        }
    }

    /// The request the fixture stands for, as an adapter reads it.
    public var payload: CallbackPayload {
        var lowerCased: [String: String] = [:]
        for header in headers { lowerCased[header.name.lowercased()] = header.value }
        return CallbackPayload(body: body, contentType: contentType, headers: lowerCased)
    }

    /// Creates a fixture.
    public init(provider: Provider, contentType: String?, headers: [(name: String, value: String)] = [], body: String, expectation: Expectation? = nil) {
        self.provider = provider
        self.contentType = contentType
        self.headers = headers
        self.body = body
        self.expectation = expectation
    }

    public static func == (lhs: ReceiptFixture, rhs: ReceiptFixture) -> Bool {
        lhs.provider == rhs.provider && lhs.contentType == rhs.contentType && lhs.body == rhs.body
            && lhs.expectation == rhs.expectation
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(provider)
        hasher.combine(body)
    }
}
