/// Why an HTTP GET to SNS (a certificate, a subscription confirmation) brought no answer.
///
/// Its own type rather than `URLError`, whose description carries the URL: a `SubscribeURL` holds the
/// subscription's token.
public enum SNSHTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No complete answer within the timeout.
    case timedOut
    /// The request failed before an answer arrived (DNS, connection, TLS, ...); `code` is `URLError.Code`'s.
    case transport(code: Int)
    /// The answer's body was larger than the limit; it was not read further.
    case tooLarge
    /// The answer was not HTTP.
    case notHTTP

    /// What went wrong, in words fit for a log line.
    public var description: String {
        switch self {
        case .timedOut: "no answer in time"
        case .transport(let code): "the request failed (URLError \(code))"
        case .tooLarge: "the answer was too large"
        case .notHTTP: "the answer was not HTTP"
        }
    }
}
