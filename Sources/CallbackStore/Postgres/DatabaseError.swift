/// Why the database could not do what was asked. Every case means "nothing was stored": the HTTP layer answers
/// 503 so that the provider sends the receipt again.
public enum DatabaseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection could be made, or it was lost. The message is libpq's, with any password removed.
    case unavailable(String)
    /// The connection string cannot be read; the reason says which part, without quoting it.
    case invalidConnectionString(String)
    /// A statement took longer than the configured bound; the connection was dropped.
    case timedOut(seconds: Double)
    /// The server refused a statement.
    case statementFailed(sqlState: String, message: String)
    /// A value could not be sent (PostgreSQL text cannot hold a NUL character).
    case invalidParameter(String)
    /// The gateway is shutting down and takes no more database work.
    case shuttingDown

    /// A message for the log or the terminal that says what to do.
    public var description: String {
        switch self {
        case .unavailable(let message):
            "PostgreSQL is unavailable: \(message). Check DATABASE_URL (or the PG* variables) and that the server is running."
        case .invalidConnectionString(let reason):
            "DATABASE_URL is not a valid libpq connection string or URI (\(reason)); give one such as postgresql://user:password@host:5432/database or host=... dbname=..., with special characters in the password percent-encoded"
        case .timedOut(let seconds):
            "a database statement took longer than \(seconds) s and was cancelled; check the server's load and locks."
        case .statementFailed(let sqlState, let message):
            "PostgreSQL refused a statement (SQLSTATE \(sqlState)): \(message); check that the schema is migrated (callback-gateway migrate) and report it if it persists"
        case .invalidParameter(let message):
            "a value could not be sent to PostgreSQL: \(message)"
        case .shuttingDown:
            "the gateway is shutting down and takes no more database work"
        }
    }

    /// Whether the statement lost a deadlock or a serialization conflict, which running it again can resolve.
    var isConflict: Bool {
        if case .statementFailed(let sqlState, _) = self { return sqlState == "40P01" || sqlState == "40001" }
        return false
    }

    /// Whether the statement gave up waiting for a lock (`lock_timeout`), which waiting longer can resolve.
    var isLockTimeout: Bool {
        if case .statementFailed(let sqlState, _) = self { return sqlState == "55P03" }
        return false
    }

    /// SQLSTATE classes that mean the server or the connection went away, not that the statement was wrong.
    static func isConnectionLoss(sqlState: String) -> Bool {
        sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") || sqlState == "53300"
    }
}
