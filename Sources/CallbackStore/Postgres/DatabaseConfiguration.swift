/// How to reach PostgreSQL and how long to wait for it.
public struct DatabaseConfiguration: Sendable, Hashable {
    /// A libpq connection string or `postgresql://` URI. Empty means libpq's defaults and the `PG*` variables.
    public var connectionString: String
    /// Connections kept open, each served by its own thread.
    public var poolSize: Int
    /// Seconds to wait for a connection before giving up (libpq `connect_timeout`; `PGCONNECT_TIMEOUT` or a
    /// `connect_timeout` in the connection string win over it).
    public var connectTimeout: Int
    /// Seconds a statement may take before it is cancelled and its connection dropped.
    public var statementTimeout: Double
    /// The `application_name` the server shows in `pg_stat_activity`.
    public var applicationName: String
    /// How many units of work may wait for a connection before more are refused as unavailable.
    public var maximumQueuedJobs: Int
    /// The most receipts stored together in one transaction (one round trip, one commit) when they arrive faster
    /// than the pool can store them one by one; 1 stores each on its own.
    public var maximumBatchSize: Int
    /// Whether a commit waits for its WAL to be flushed (`synchronous_commit`). Only work that is safe to lose in a
    /// crash may turn it off: a lost commit must mean at most a repeat, never a loss.
    public var waitsForFlush: Bool = true

    /// Creates a configuration.
    public init(
        connectionString: String,
        poolSize: Int = 4,
        connectTimeout: Int = 5,
        statementTimeout: Double = 10,
        applicationName: String = "callback-gateway",
        maximumQueuedJobs: Int = 2048,
        maximumBatchSize: Int = 64
    ) {
        self.connectionString = connectionString
        self.poolSize = poolSize
        self.connectTimeout = connectTimeout
        self.statementTimeout = statementTimeout
        self.applicationName = applicationName
        self.maximumQueuedJobs = maximumQueuedJobs
        self.maximumBatchSize = maximumBatchSize
    }

    /// Checks that the connection string can be read, without connecting, so that a malformed `DATABASE_URL` stops
    /// start-up instead of failing every request.
    public func validate() throws(DatabaseError) {
        _ = try ConnectionSettings(configuration: self)
    }
}
