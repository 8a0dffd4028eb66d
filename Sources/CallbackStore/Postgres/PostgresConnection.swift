import CLibPQ
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection. Its calls block, so it is used only from the thread of the ``DatabaseWorkers`` that owns
/// it, never from Swift's cooperative pool.
///
/// Statements are sent asynchronously and awaited with `poll`, so a statement that outlives
/// ``DatabaseConfiguration/statementTimeout`` is cancelled and the connection dropped instead of hanging.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    var prepared: Set<String> = []
    let statementTimeout: Double
    private let redactor: SecretRedactor

    /// Whether the connection can no longer be used and must be replaced.
    public private(set) var isBroken = false

    /// Connects, waiting at most the configured connect timeout.
    ///
    /// - Throws: ``DatabaseError/unavailable(_:)`` with libpq's reason, passwords removed.
    public init(configuration: DatabaseConfiguration) throws(DatabaseError) {
        statementTimeout = configuration.statementTimeout
        let settings = try ConnectionSettings(configuration: configuration)
        redactor = settings.redactor
        let connection = try settings.withKeywordsAndValues { keywords, values in
            PQconnectdbParams(keywords, values, 1)
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let reason = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let connection { PQfinish(connection) }
            throw .unavailable(redactor.redact(reason.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        // libpq prints server notices to stderr by default; they belong in the gateway's own log.
        PQsetNoticeProcessor(connection, { _, message in
            guard let message else { return }
            let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
            Logger(label: "callback-gateway.postgres").notice("PostgreSQL: \(text)")
        }, nil)
        handle = connection
    }

    deinit { close() }

    /// Closes the connection.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        isBroken = true
    }

    /// Runs a prepared statement (preparing it on first use on this connection).
    public func query(_ statement: PreparedStatement, _ parameters: [String?] = []) throws(DatabaseError) -> QueryResult {
        let connection = try liveHandle()
        try prepare(statement, on: connection)
        let sent = try CStringArray.with(parameters) { values in
            PQsendQueryPrepared(connection, statement.name, Int32(parameters.count), values, nil, nil, 0)
        }
        return try finish(sent: sent, connection)
    }

    /// Prepares `statement` on this connection unless it already is.
    func prepare(_ statement: PreparedStatement, on connection: OpaquePointer) throws(DatabaseError) {
        guard !prepared.contains(statement.name) else { return }
        let sent = PQsendPrepare(connection, statement.name, statement.sql, 0, nil)
        _ = try finish(sent: sent, connection)
        prepared.insert(statement.name)
    }

    /// Runs a single statement without parameters, such as `BEGIN` or a migration's DDL.
    @discardableResult
    public func execute(_ sql: String) throws(DatabaseError) -> QueryResult {
        let connection = try liveHandle()
        let sent = PQsendQueryParams(connection, sql, 0, nil, nil, nil, nil, 0)
        return try finish(sent: sent, connection)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if !isBroken { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Whether the connection still works, as far as can be told without a round trip. An idle connection has
    /// nothing to read; if the socket is readable, the server has spoken unasked, which in practice means it
    /// terminated the session (a restart, `pg_terminate_backend`, an idle timeout), so the connection is dropped
    /// and the caller opens a fresh one instead of failing the next statement.
    public func isUsable() -> Bool {
        guard let handle, !isBroken else { return false }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) != 0 || PQstatus(handle) != CONNECTION_OK { close() }
        return !isBroken
    }

    func liveHandle() throws(DatabaseError) -> OpaquePointer {
        guard let handle, !isBroken else { throw .unavailable("the connection was closed") }
        return handle
    }

    /// Waits for the results of what was just sent and returns the last one, failing on any error.
    func finish(sent: Int32, _ connection: OpaquePointer) throws(DatabaseError) -> QueryResult {
        guard sent == 1 else { throw connectionLost(connection) }
        let deadline = statementDeadline()
        var outcome: Result<QueryResult, DatabaseError>?
        while true {
            while PQisBusy(connection) == 1 {
                try waitForInput(connection, deadline: deadline)
            }
            guard let result = PQgetResult(connection) else { break }
            let read = read(result, connection)
            PQclear(result)
            if read.connectionLost {
                // The server ended the session: nothing more can be read, and the handle must not be used again.
                close()
                throw read.outcome.failure ?? .unavailable("the connection was lost")
            }
            // Keep the first error: later results of a failed statement only repeat it.
            if case .failure = outcome { continue }
            outcome = read.outcome
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let error): throw error
        case nil: throw connectionLost(connection)
        }
    }

    /// When a statement sent now must have been answered, on a clock that wall-clock changes do not move.
    func statementDeadline() -> ContinuousClock.Instant { .now + .seconds(statementTimeout) }

    func waitForInput(_ connection: OpaquePointer, deadline: ContinuousClock.Instant) throws(DatabaseError) {
        // Past the deadline, still look once without waiting: a thread that was not scheduled for a while may find
        // the answer already there, and that statement did not time out.
        let (seconds, attoseconds) = max(deadline - .now, .zero).components
        // Rounded up, so that a wait never ends just short of the deadline.
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(clamping: milliseconds))
        if ready < 0 && errno != EINTR { throw connectionLost(connection) }
        if ready == 0 { throw timedOut(connection) }
        if PQconsumeInput(connection) == 0 { throw connectionLost(connection) }
    }

    /// Reads one result. Never closes the connection itself: the caller must stop using the handle first.
    func read(_ result: OpaquePointer, _ connection: OpaquePointer) -> (outcome: Result<QueryResult, DatabaseError>, connectionLost: Bool) {
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return (.success(Self.rows(of: result)), false)
        default:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
                ?? String(cString: PQerrorMessage(connection))
            if PQstatus(connection) != CONNECTION_OK || DatabaseError.isConnectionLoss(sqlState: sqlState) {
                return (.failure(.unavailable(redactor.redact(message))), true)
            }
            // The server's statement_timeout, set to the same bound as ours.
            if sqlState == "57014" { return (.failure(.timedOut(seconds: statementTimeout)), false) }
            return (.failure(.statementFailed(sqlState: sqlState, message: message)), false)
        }
    }

    private static func rows(of result: OpaquePointer) -> QueryResult {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append((0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(columns: columns, rows: rows, affectedRows: affected)
    }

    func connectionLost(_ connection: OpaquePointer) -> DatabaseError {
        let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
        close()
        return .unavailable(redactor.redact(message.isEmpty ? "the connection was lost" : message))
    }

    private func timedOut(_ connection: OpaquePointer) -> DatabaseError {
        // No PQcancel: it opens a new connection without a timeout of its own and could block this thread for
        // minutes during a network partition. The server's statement_timeout (set at connect) ends the statement;
        // a fresh connection is the only clean state on this side.
        close()
        return .timedOut(seconds: statementTimeout)
    }
}

extension Result {
    /// The error, for a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
