import Foundation

/// Where signing certificates come from: Amazon over https (``URLSessionCertificateFetcher``), or a folder
/// (``CertificateFolder``). Either is wrapped in ``SNSCertificateCache``, so each URL is asked for once.
public protocol SNSCertificateFetcher: Sendable {
    /// The PEM certificate at `url`, a URL that has passed ``SNSURLPolicy/signingCertificateURL(_:)``.
    func certificate(at url: URL) async throws(SNSCertificateFetchError) -> [UInt8]
}
