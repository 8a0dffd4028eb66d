import CallbackCore

/// Why an SNS message was not accepted. Logged (at warning level) for the operator; the sender only learns
/// that it was not accepted.
public enum SNSRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `x-amz-sns-message-type` header is missing or differs from the body's `Type`.
    case typeHeaderMismatch
    /// `SNS_TOPIC_ARNS` is not set, so no topic is accepted.
    case noTopicsConfigured
    /// `TopicArn` is missing or not one of `SNS_TOPIC_ARNS`.
    case topicNotAllowed
    /// `SignatureVersion` is missing or neither `1` nor `2`.
    case unsupportedSignatureVersion
    /// `SigningCertURL` is missing or not an SNS certificate URL.
    case certificateURLRefused(SNSURLProblem?)
    /// A member the signature covers is missing.
    case unsignedMessage(SNSCanonicalStringError)
    /// `Signature` is missing or not base64.
    case signatureNotBase64
    /// The signing certificate could not be had.
    case certificateUnavailable(SNSCertificateFetchError)
    /// The certificate, or a date in it, cannot be read.
    case certificateUnreadable
    /// The certificate's validity period has not begun.
    case certificateNotYetValid
    /// The certificate's validity period is over.
    case certificateExpired
    /// The certificate's key is not RSA of at least 2048 bits.
    case keyNotAccepted
    /// The signature does not match the message and the certificate's key.
    case signatureMismatch

    /// The reason, in words fit for a log line: names of members and settings, never values from the body.
    public var description: String {
        switch self {
        case .typeHeaderMismatch: "the x-amz-sns-message-type header does not match the body's Type"
        case .noTopicsConfigured: "SNS_TOPIC_ARNS is not set, so no topic is accepted"
        case .topicNotAllowed: "TopicArn is not one of SNS_TOPIC_ARNS"
        case .unsupportedSignatureVersion: "SignatureVersion is neither 1 nor 2"
        case .certificateURLRefused(let problem): "SigningCertURL refused: \(problem?.description ?? "missing")"
        case .unsignedMessage(let error): error.description
        case .signatureNotBase64: "Signature is missing or not base64"
        case .certificateUnavailable(let error): "\(error)"
        case .certificateUnreadable: "the signing certificate cannot be read"
        case .certificateNotYetValid: "the signing certificate is not valid yet"
        case .certificateExpired: "the signing certificate has expired"
        case .keyNotAccepted: "the signing certificate's key is not RSA of 2048 bits or more"
        case .signatureMismatch: "the signature does not match the message"
        }
    }
}
