import Foundation

/// How the housekeeping jobs run: whether at all, how often, and with what limits.
public struct JobsConfiguration: Sendable, Hashable {
    /// Whether this replica runs the scheduler (`JOBS=off` turns it off).
    public var enabled: Bool
    /// The name this replica records its runs under in `job_runs`.
    public var replicaName: String
    /// How often the scheduler looks for a job whose period has no finished run yet.
    public var pollInterval: Duration
    /// How long a notification may stay `sending` or `pending` before the timeout gives up on it.
    public var timeoutPeriod: Duration
    /// Notifications timed out per statement.
    public var timeoutBatchSize: Int
    /// The timeout's period: it runs once per period (hourly by default).
    public var timeoutInterval: Duration
    /// Full UTC days before today whose receipts are kept.
    public var retentionDays: Int
    /// Rows deleted per statement.
    public var retentionBatchSize: Int
    /// Retention's period: it runs once per period (daily by default, per UTC day).
    public var retentionInterval: Duration

    /// Creates a configuration; the defaults are those of the documentation.
    public init(
        enabled: Bool = true,
        replicaName: String = JobsConfiguration.defaultReplicaName,
        pollInterval: Duration = .seconds(60),
        timeoutPeriod: Duration = .seconds(72 * 3600),
        timeoutBatchSize: Int = 10_000,
        timeoutInterval: Duration = .seconds(3600),
        retentionDays: Int = 7,
        retentionBatchSize: Int = 10_000,
        retentionInterval: Duration = .seconds(86_400)
    ) {
        self.enabled = enabled
        self.replicaName = replicaName
        self.pollInterval = pollInterval
        self.timeoutPeriod = timeoutPeriod
        self.timeoutBatchSize = timeoutBatchSize
        self.timeoutInterval = timeoutInterval
        self.retentionDays = retentionDays
        self.retentionBatchSize = retentionBatchSize
        self.retentionInterval = retentionInterval
    }

    /// The host name and process id, which tell replicas apart in `job_runs` without any setting.
    public static var defaultReplicaName: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }
}
