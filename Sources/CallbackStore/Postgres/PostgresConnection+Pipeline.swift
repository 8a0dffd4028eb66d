import CLibPQ
import Foundation

extension PostgresConnection {
    /// What one statement of a pipeline did.
    public enum PipelineStep: Sendable {
        /// It ran; its rows. They count only if the pipeline as a whole committed.
        case ran(QueryResult)
        /// It failed, which rolled back the whole pipeline.
        case failed(DatabaseError)
        /// It was skipped because an earlier statement failed.
        case skipped
    }

    /// One command of a pipeline.
    public enum PipelineCommand: Sendable {
        /// A prepared statement with its parameters.
        case prepared(PreparedStatement, [String?])
        /// A command without parameters, such as `SAVEPOINT name`.
        case text(String)
    }

    /// Runs `parameterSets.count` executions of one prepared statement as a single transaction in one round trip
    /// (libpq's pipeline mode: every statement is sent, then one Sync, which commits them together).
    ///
    /// If any statement fails, none of them is committed: its step is ``PipelineStep/failed(_:)`` and the later ones
    /// are ``PipelineStep/skipped``. Steps before it are ``PipelineStep/ran(_:)`` but were rolled back too; the
    /// caller tells that from the failure in the list.
    ///
    /// - Throws: ``DatabaseError`` when the connection broke or the pipeline outlived the statement timeout; the
    ///   connection is then closed and nothing was committed, except that a connection lost after the Sync was
    ///   sent leaves the commit unknown, as for any statement whose answer is lost.
    public func pipeline(_ statement: PreparedStatement, _ parameterSets: [[String?]]) throws(DatabaseError) -> [PipelineStep] {
        try pipeline(parameterSets.map { .prepared(statement, $0) })
    }

    /// Sends every command, then one Sync, and reads one step per command (see ``pipeline(_:_:)``). Outside a
    /// transaction the commands commit together at the Sync; inside one (after `BEGIN`) they stay part of it, and
    /// after a failure the transaction is aborted until the caller rolls back, to a savepoint or entirely.
    public func pipeline(_ commands: [PipelineCommand]) throws(DatabaseError) -> [PipelineStep] {
        let connection = try liveHandle()
        for case .prepared(let statement, _) in commands { try prepare(statement, on: connection) }
        guard PQenterPipelineMode(connection) == 1 else { throw connectionLost(connection) }
        for command in commands {
            let sent: Int32
            switch command {
            case .prepared(let statement, let parameters):
                sent = try CStringArray.with(parameters) { values in
                    PQsendQueryPrepared(connection, statement.name, Int32(parameters.count), values, nil, nil, 0)
                }
            case .text(let sql):
                sent = PQsendQueryParams(connection, sql, 0, nil, nil, nil, nil, 0)
            }
            guard sent == 1 else { throw connectionLost(connection) }
        }
        guard PQpipelineSync(connection) == 1 else { throw connectionLost(connection) }

        let deadline = statementDeadline()
        var steps: [PipelineStep] = []
        steps.reserveCapacity(commands.count)
        var synced = false
        var separators = 0
        while !synced {
            while PQisBusy(connection) == 1 {
                try waitForInput(connection, deadline: deadline)
            }
            // Between statements libpq hands out one NULL as a separator; two in a row mean nothing more will come.
            guard let result = PQgetResult(connection) else {
                separators += 1
                if separators > 1 { throw connectionLost(connection) }
                continue
            }
            separators = 0
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_PIPELINE_SYNC:
                synced = true
            case PGRES_PIPELINE_ABORTED:
                steps.append(.skipped)
            default:
                let read = read(result, connection)
                if read.connectionLost {
                    close()
                    throw read.outcome.failure ?? .unavailable("the connection was lost")
                }
                switch read.outcome {
                case .success(let rows): steps.append(.ran(rows))
                case .failure(let error): steps.append(.failed(error))
                }
            }
        }
        guard steps.count == commands.count, PQexitPipelineMode(connection) == 1 else {
            throw connectionLost(connection)
        }
        return steps
    }
}
