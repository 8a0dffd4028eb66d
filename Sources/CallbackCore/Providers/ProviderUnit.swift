/// Everything specific to one provider, in one value: how its requests are read and checked, where it posts them,
/// what it is called in metrics, and which settings it has. Each provider's folder defines its unit
/// (`extension ProviderUnit { static let twilio = ... }`) and ``ProviderRegistry`` lists them.
public struct ProviderUnit: Sendable {
    /// The provider.
    public let provider: Provider
    /// The name people use for it (`SendGrid`).
    public let displayName: String
    /// Whether it delivers text messages or email: the middle of its route.
    public let channel: Channel
    /// `<module>.<endpoint>` of its route in the request metrics (`sms_callback.process_firetext_response`).
    public let metricRoute: MetricRoute
    /// Reads its requests.
    public let adapter: any ReceiptAdapter
    /// How the gateway knows a request came from it.
    public let authenticity: Authenticity
    /// Request headers its adapter or its check reads, lower case; the route passes only these on.
    public let headers: [String]
    /// The setting for the largest body its route takes, when it is not `MAX_BODY_BYTES` (SendGrid's batches).
    public let bodyLimit: BodyLimit?
    /// Signs a request as the provider does, for its fixtures and tests; `nil` when it signs nothing (Basic-auth
    /// providers get their `Authorization` header from their credentials).
    public let fixtureSigner: (any FixtureRequestSigner)?
    /// How to point the provider at the gateway, for `docs/providers.md` (Markdown, a paragraph or two).
    public let setup: String

    /// Whether a provider delivers text messages or email.
    public enum Channel: String, Sendable {
        case sms
        case email
    }

    /// A route's name in the request metrics.
    public struct MetricRoute: Sendable, Hashable {
        /// `sms_callback`, `ses_callback`, `email_callback`.
        public let module: String
        /// `process_<provider>_response`.
        public let endpoint: String

        /// Creates a name.
        public init(module: String, endpoint: String) {
            self.module = module
            self.endpoint = endpoint
        }
    }

    /// A route's own body limit: its setting and default.
    public struct BodyLimit: Sendable {
        /// The setting that changes it.
        public let setting: ProviderSetting
        /// Bytes, when the setting is not given.
        public let defaultBytes: Int
        /// The values the setting may take.
        public let range: ClosedRange<Int>
    }

    /// Creates a unit.
    public init(
        provider: Provider,
        displayName: String,
        channel: Channel,
        metricRoute: MetricRoute,
        adapter: any ReceiptAdapter,
        authenticity: Authenticity,
        headers: [String] = [],
        bodyLimit: BodyLimit? = nil,
        fixtureSigner: (any FixtureRequestSigner)? = nil,
        setup: String
    ) {
        self.provider = provider
        self.displayName = displayName
        self.channel = channel
        self.metricRoute = metricRoute
        self.adapter = adapter
        self.authenticity = authenticity
        self.headers = headers
        self.bodyLimit = bodyLimit
        self.fixtureSigner = fixtureSigner
        self.setup = setup
    }

    /// The path the provider posts its receipts to: `/notifications/<channel>/<provider>`, the paths GOV.UK Notify
    /// gave its providers.
    public var routePath: String { "/notifications/\(channel.rawValue)/\(provider.rawValue)" }

    /// Every setting of the provider, in the order its documentation lists them.
    public var settings: [ProviderSetting] {
        var all: [ProviderSetting] = []
        switch authenticity {
        case .basicAuth(let credentials): all.append(credentials)
        case .snsSignature: break
        case .signature(let scheme): all += scheme.settings
        }
        if let bodyLimit { all.append(bodyLimit.setting) }
        return all
    }
}
