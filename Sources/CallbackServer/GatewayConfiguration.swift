import CallbackCore

/// How the HTTP side of the gateway behaves. Database settings live in `DatabaseConfiguration`.
public struct GatewayConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on.
    public var port: Int
    /// The largest request body accepted; larger ones get 413 without being read in full.
    public var maxBodyBytes: Int
    /// How often the background retrier looks for `waiting` receipts that are due, in seconds.
    public var retryPollInterval: Double
    /// How many due receipts the retrier takes per transaction.
    public var retryBatchSize: Int
    /// When `waiting` receipts are retried and given up.
    public var retrySchedule: RetrySchedule
    /// The bearer token of the `/admin` routes; `nil` turns them off.
    public var adminToken: String?
    /// Whether the gateway serves plain HTTP on a loopback address (`DASHBOARD_PLAIN_HTTP`): the dashboard's session
    /// cookie then goes without `Secure`, which a browser would otherwise keep from being sent over HTTP.
    public var dashboardPlainHTTP: Bool
    /// The credentials each provider checked by Basic authentication must present; one without any has an open
    /// route.
    public var providerCredentials: [Provider: [BasicCredential]]
    /// The signature check of each provider whose requests are signed; one without its check (its secrets are not
    /// configured) has its every request refused.
    public var authenticators: [Provider: any RequestAuthenticator]
    /// The largest body of a provider's route where it is not ``maxBodyBytes`` (SendGrid's batches).
    public var providerBodyLimits: [Provider: Int]
    /// Requests in progress at once beyond which the gateway answers 503.
    public var maxConcurrentRequests: Int
    /// Seconds a client has to send a whole request (head and body) before its connection is closed.
    public var requestReadTimeout: Double
    /// Client connections open at once; beyond it the one that has waited longest for its request is closed.
    public var maxConnections: Int
    /// Request-body bytes held at once across all connections while bodies arrive; beyond it the answer is 503.
    public var maxBufferedBodyBytes: Int
    /// Which SNS messages the SES route believes: topics, signature verification, certificates, confirmation.
    public var sns: SNSConfiguration
    /// Where `GET /metrics` is served without the admin token (`METRICS_HOST`, `METRICS_PORT`); `nil` serves it on
    /// the main port behind the admin token instead. Used only when Prometheus is on.
    public var metricsAddress: ListenAddress?

    /// Creates a configuration; the defaults are those of the documentation.
    public init(
        host: String = "0.0.0.0",
        port: Int = 6011,
        maxBodyBytes: Int = 64 * 1024,
        retryPollInterval: Double = 1,
        retryBatchSize: Int = 500,
        retrySchedule: RetrySchedule = .standard,
        adminToken: String? = nil,
        dashboardPlainHTTP: Bool = false,
        providerCredentials: [Provider: [BasicCredential]] = [:],
        authenticators: [Provider: any RequestAuthenticator] = [:],
        providerBodyLimits: [Provider: Int] = [:],
        maxConcurrentRequests: Int = 256,
        requestReadTimeout: Double = 10,
        maxConnections: Int = 10_000,
        maxBufferedBodyBytes: Int = 32 * 1024 * 1024,
        sns: SNSConfiguration = SNSConfiguration(),
        metricsAddress: ListenAddress? = nil
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.retryPollInterval = retryPollInterval
        self.retryBatchSize = retryBatchSize
        self.retrySchedule = retrySchedule
        self.adminToken = adminToken
        self.dashboardPlainHTTP = dashboardPlainHTTP
        self.providerCredentials = providerCredentials
        self.authenticators = authenticators
        self.providerBodyLimits = providerBodyLimits
        self.maxConcurrentRequests = maxConcurrentRequests
        self.requestReadTimeout = requestReadTimeout
        self.maxConnections = maxConnections
        self.maxBufferedBodyBytes = maxBufferedBodyBytes
        self.sns = sns
        self.metricsAddress = metricsAddress
    }
}

extension GatewayConfiguration {
    /// The largest body a request to `path` may have.
    func maxBodyBytes(forPath path: String) -> Int { bodyLimitsByPath[path] ?? maxBodyBytes }

    /// The largest body any route takes.
    var largestBodyBytes: Int { max(maxBodyBytes, providerBodyLimits.values.max() ?? 0) }

    /// ``providerBodyLimits`` by route path.
    var bodyLimitsByPath: [String: Int] {
        Dictionary(providerBodyLimits.map { (CallbackRoutes.path(for: $0.key), $0.value) }, uniquingKeysWith: max)
    }
}
