import CallbackCore
import Foundation

/// Decides whether an SNS message really comes from one of the configured topics through Amazon SNS.
///
/// The checks run cheapest first, so a forged message costs no fetch and no RSA: the
/// `x-amz-sns-message-type` header must equal the body's `Type`; `TopicArn` must be one of `SNS_TOPIC_ARNS`;
/// `SignatureVersion` must be `1` or `2`; `SigningCertURL` must pass ``SNSURLPolicy``; then the certificate is
/// taken from the cache (fetched once), must be valid now, and must verify the signature over the message's
/// canonical string. With verification turned off (`--insecure-skip-sns-verification`) only the header and,
/// when `SNS_TOPIC_ARNS` is set, the topic are checked.
public struct SNSVerifier: Sendable {
    private let configuration: SNSConfiguration
    private let certificates: SNSCertificateCache
    private let certificateURLs = CertificateURLMemo()
    private let now: @Sendable () -> Date

    /// A verifier taking certificates from `certificates` and the time from `now`.
    public init(configuration: SNSConfiguration, certificates: SNSCertificateCache, now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.certificates = certificates
        self.now = now
    }

    /// Returns when `message`, which came with `typeHeader` as its `x-amz-sns-message-type`, is accepted.
    ///
    /// - Throws: the ``SNSRejection`` saying why it is not.
    public func verify(_ message: SNSSignedMessage, typeHeader: String?) async throws(SNSRejection) {
        guard typeHeader == message.type.rawValue else { throw .typeHeaderMismatch }
        if configuration.verifySignatures || !configuration.topicARNs.isEmpty {
            guard !configuration.topicARNs.isEmpty else { throw .noTopicsConfigured }
            guard let topic = message.topicARN, configuration.topicARNs.contains(topic) else { throw .topicNotAllowed }
        }
        guard configuration.verifySignatures else { return }

        guard let version = message.signatureVersion.flatMap(SNSSignatureVersion.init(rawValue:)) else {
            throw .unsupportedSignatureVersion
        }
        guard let urlText = message.signingCertURL else { throw .certificateURLRefused(nil) }
        let certificateURL: URL
        do {
            certificateURL = try certificateURLs.signingCertificateURL(urlText)
        } catch {
            throw .certificateURLRefused(error)
        }
        let canonical: String
        do {
            canonical = try message.canonicalString()
        } catch {
            throw .unsignedMessage(error)
        }
        guard let encoded = message.signature, let signature = Data(base64Encoded: encoded), !signature.isEmpty else {
            throw .signatureNotBase64
        }
        let certificate: RSASignatureCheck.ReadCertificate
        do {
            certificate = try await certificates.readCertificate(at: certificateURL)
        } catch {
            throw .certificateUnavailable(error)
        }
        try RSASignatureCheck.verify(
            signature: Array(signature), of: Array(canonical.utf8), version: version,
            certificate: certificate, now: now()
        )
    }
}
