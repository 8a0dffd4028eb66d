/// Why a URL in an SNS message is not one the gateway will open.
public enum SNSURLProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// It does not parse as an absolute URL.
    case notAURL
    /// The scheme is not `https`.
    case notHTTPS
    /// The host is not `sns.<region>.amazonaws.com` (or `.com.cn`).
    case hostNotSNS
    /// It carries a user name or password.
    case hasUserInfo
    /// It names a port other than 443.
    case portNotAllowed
    /// A certificate URL has a query, which SNS's never have.
    case hasQuery
    /// It has a fragment.
    case hasFragment
    /// A certificate URL's path is not `/SimpleNotificationService-<letters and digits>.pem`.
    case pathNotCertificate

    /// What is wrong, in words fit for a log line; never the URL itself.
    public var description: String {
        switch self {
        case .notAURL: "not an absolute URL"
        case .notHTTPS: "not https"
        case .hostNotSNS: "host is not sns.<region>.amazonaws.com"
        case .hasUserInfo: "carries a user name or password"
        case .portNotAllowed: "names a port other than 443"
        case .hasQuery: "has a query"
        case .hasFragment: "has a fragment"
        case .pathNotCertificate: "path is not /SimpleNotificationService-<id>.pem"
        }
    }
}
