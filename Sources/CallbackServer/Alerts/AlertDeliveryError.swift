/// Why an alert did not reach the webhook.
///
/// Its own type rather than `URLError`, because `URLError`'s description carries the failing URL, and the webhook
/// URL is a credential that must never reach a log.
public enum AlertDeliveryError: Error, Equatable, CustomStringConvertible {
    /// The webhook answered with a status outside 200–299.
    case status(Int)
    /// No answer within the configured timeout.
    case timedOut(Duration)
    /// The request failed before an answer arrived: no connection, TLS, DNS, …; `code` is `URLError.Code`'s.
    case transport(code: Int)
    /// The answer was not an HTTP response.
    case notHTTP

    /// What went wrong, in words fit for a log line.
    public var description: String {
        switch self {
        case .status(let status): "the webhook answered HTTP \(status)"
        case .timedOut(let timeout): "no answer from the webhook within \(timeout)"
        case .transport(let code): "the request failed (URLError \(code): \(Self.words(for: code)))"
        case .notHTTP: "the webhook's answer was not HTTP"
        }
    }

    /// The common `URLError` codes in words; the numbers are stable across platforms.
    private static func words(for code: Int) -> String {
        switch code {
        case -1001: "timed out"
        case -1003: "host not found"
        case -1004: "cannot connect to host"
        case -1005: "connection lost"
        case -1009: "not connected to the internet"
        case -1200, -1201, -1202, -1203, -1204, -1205, -1206: "TLS failure"
        case -1002: "unsupported URL"
        default: "see URLError"
        }
    }
}
