/// Where and how ``StatsDClient`` sends metrics.
///
/// The gateway only builds one when `STATSD_HOST` is set: without a host, metrics are off and no socket is opened.
public struct StatsDConfiguration: Sendable {
    /// The StatsD server, a host name or an IP literal (`STATSD_HOST`). Names are resolved once at start and then
    /// every ``resolveInterval``, never per datagram, so a slow DNS cannot slow a request.
    public var host: String
    /// The StatsD server's UDP port (`STATSD_PORT`).
    public var port: Int
    /// Put before every name, followed by a dot (`STATSD_PREFIX`), so dashboards built on the names of the replaced
    /// system keep working. An empty prefix means bare names, without a leading dot; trailing dots are ignored so
    /// that `"app."` does not produce `app..name`.
    public var prefix: String
    /// How long a line may wait in memory before it is sent. Short enough for near-real-time dashboards, long
    /// enough that a busy gateway packs many lines into one datagram.
    public var flushInterval: Duration
    /// The largest datagram payload. 1432 bytes fit a 1500-byte MTU after IPv6/IPv4 and UDP headers, so packets
    /// are never fragmented (a lost fragment loses the whole packet).
    public var maxPacketBytes: Int
    /// How often the host name is resolved again, so a StatsD server that moves (a container restarted with a new
    /// address) is followed without restarting the gateway.
    public var resolveInterval: Duration

    /// Creates a configuration; the defaults are those of the documentation.
    public init(
        host: String,
        port: Int = 8125,
        prefix: String = "notifications.api",
        flushInterval: Duration = .milliseconds(100),
        maxPacketBytes: Int = 1432,
        resolveInterval: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.prefix = prefix
        self.flushInterval = flushInterval
        self.maxPacketBytes = maxPacketBytes
        self.resolveInterval = resolveInterval
    }
}
