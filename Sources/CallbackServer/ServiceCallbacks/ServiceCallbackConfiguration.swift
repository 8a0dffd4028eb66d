import CallbackCore

/// How the gateway sends services their callbacks (`SERVICE_CALLBACK_*`).
public struct ServiceCallbackConfiguration: Sendable {
    /// Opens the sealed bearer tokens (`SERVICE_CALLBACK_ENCRYPTION_KEY`).
    public var sealer: TokenSealer
    /// Which addresses a callback may go to, checked again as resolved at every send.
    public var policy: CallbackURLPolicy
    /// How long one attempt may take, from resolving the host to the answer's status line.
    public var timeout: Duration
    /// Back-off and attempts.
    public var retry: ServiceCallbackRetryPolicy
    /// Attempts in flight at once on this replica.
    public var maxInFlight: Int
    /// Attempts in flight to one host at once, and when a failing host is paused.
    public var gate: HostGate
    /// How often the outbox is read when there was nothing to send, in seconds.
    public var pollInterval: Double
    /// A PEM file of certificate authorities trusted besides the system's (`SERVICE_CALLBACK_CA_FILE`).
    public var trustRootsFile: String?

    /// A configuration; the defaults are the documented ones.
    public init(
        sealer: TokenSealer,
        policy: CallbackURLPolicy,
        timeout: Duration = .seconds(5),
        retry: ServiceCallbackRetryPolicy = ServiceCallbackRetryPolicy(),
        maxInFlight: Int = 32,
        gate: HostGate = HostGate(),
        pollInterval: Double = 0.2,
        trustRootsFile: String? = nil
    ) {
        self.sealer = sealer
        self.policy = policy
        self.timeout = timeout
        self.retry = retry
        self.maxInFlight = max(maxInFlight, 1)
        self.gate = gate
        self.pollInterval = pollInterval
        self.trustRootsFile = trustRootsFile
    }

    /// How long a replica may hold a callback it took before another replica may take it: long enough for an
    /// attempt and its settlement, so that only a replica that died leaves one to be sent again.
    public var lease: Double {
        Double(timeout.components.seconds) * 2 + 10
    }
}
