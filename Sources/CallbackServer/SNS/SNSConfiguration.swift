/// How the SES route decides which SNS messages to believe.
///
/// The defaults are the safe ones: signatures are verified, and with no topic listed every message is refused
/// until `SNS_TOPIC_ARNS` names the topics SES publishes to.
public struct SNSConfiguration: Sendable, Hashable {
    /// Whether signatures and signing certificates are checked. `false` only through
    /// `--insecure-skip-sns-verification`: anyone could then forge receipts.
    public var verifySignatures: Bool
    /// The topics whose messages are accepted (`SNS_TOPIC_ARNS`). Empty: with verification on, every message is
    /// refused; with it off, any topic is accepted.
    public var topicARNs: Set<String>
    /// A folder of signing certificates (`SNS_CERTIFICATE_DIR`), each named like the last path component of its
    /// `SigningCertURL`. When set, certificates come from there only and are never fetched.
    public var certificateDirectory: String?
    /// Whether the gateway confirms a verified `SubscriptionConfirmation` itself by visiting its `SubscribeURL`
    /// (`SNS_CONFIRM_SUBSCRIPTIONS`). When `false`, it logs the URL for an operator and answers 200.
    public var confirmSubscriptions: Bool
    /// How long a certificate fetch or a subscription confirmation may take.
    public var requestTimeout: Duration

    /// Creates a configuration; the defaults are those of the documentation.
    public init(
        verifySignatures: Bool = true,
        topicARNs: Set<String> = [],
        certificateDirectory: String? = nil,
        confirmSubscriptions: Bool = true,
        requestTimeout: Duration = .seconds(5)
    ) {
        self.verifySignatures = verifySignatures
        self.topicARNs = topicARNs
        self.certificateDirectory = certificateDirectory
        self.confirmSubscriptions = confirmSubscriptions
        self.requestTimeout = requestTimeout
    }
}
