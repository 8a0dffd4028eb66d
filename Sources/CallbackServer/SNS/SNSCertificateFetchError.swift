/// Why a signing certificate could not be had.
public enum SNSCertificateFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The GET brought no answer.
    case http(SNSHTTPError)
    /// The answer was not 200 (a redirect included: redirects are never followed).
    case status(Int)
    /// `SNS_CERTIFICATE_DIR` is set and holds no file of this name.
    case notInFolder(String)
    /// What came back is not a PEM X.509 certificate.
    case notACertificate

    /// What went wrong, in words fit for a log line.
    public var description: String {
        switch self {
        case .http(let error): "certificate fetch failed: \(error)"
        case .status(let status): "certificate fetch answered HTTP \(status)"
        case .notInFolder(let name): "\(name) is not in SNS_CERTIFICATE_DIR"
        case .notACertificate: "the certificate is not a PEM X.509 certificate"
        }
    }
}
