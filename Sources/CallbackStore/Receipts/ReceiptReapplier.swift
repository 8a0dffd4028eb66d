import CallbackCore

/// Applies stored receipts again, inside the caller's transaction: the retrier's due receipts and operator
/// re-drives alike.
///
/// Each receipt runs under its own savepoint, so one that fails (a row lock held longer than ``BatchLockWait``, a
/// deadlock with another replica) is postponed by the schedule while the rest of the batch commits.
struct ReceiptReapplier {
    let schedule: RetrySchedule
    let interpret: (StoredReceipt) -> MappedReceipt?

    /// What one claim did.
    struct Batch {
        var retried: [RetriedReceipt]
        /// Rows claimed, readable or not: paging goes by these.
        var claimedRows: Int
        /// The highest id claimed.
        var lastID: Int64?
    }

    func run(_ claim: PreparedStatement, _ parameters: [String?], on connection: PostgresConnection) throws(DatabaseError) -> Batch {
        _ = try connection.query(BatchLockWait.statement)
        let rows = StoredReceiptRows(try connection.query(claim, parameters))
        for id in rows.unreadableIDs {
            _ = try connection.query(ReapplyStatements.orphanUnreadable, [String(id)])
        }
        var retried: [RetriedReceipt] = []
        var readable: [Reapplication] = []
        for stored in rows.receipts {
            guard let mapped = interpret(stored) else {
                _ = try connection.query(ReapplyStatements.orphanUnreadable, [String(stored.id)])
                retried.append(RetriedReceipt(stored: stored, result: RecordedReceipt(outcome: .orphaned, receiptID: stored.id), mapped: nil))
                continue
            }
            readable.append(Reapplication(stored: stored, mapped: mapped, schedule: schedule))
        }
        retried += try reapply(readable, on: connection)
        return Batch(retried: retried, claimedRows: rows.count, lastID: rows.lastID)
    }

    /// One receipt to apply again, with its statement's parameters.
    private struct Reapplication {
        var stored: StoredReceipt
        var mapped: MappedReceipt
        var delay: Double
        var parameters: [String?]

        init(stored: StoredReceipt, mapped: MappedReceipt, schedule: RetrySchedule) {
            self.stored = stored
            self.mapped = mapped
            delay = schedule.delay(afterAttempts: stored.attempts + 1)
            parameters = ReceiptParameters.shared(mapped, retryDelay: delay) + [
                String(stored.id),
                schedule.shouldGiveUp(age: stored.ageSeconds) ? "true" : "false",
            ]
        }
    }

    /// Applies the receipts in order, all sent in one pipeline, each between `SAVEPOINT` and `RELEASE`. When one
    /// fails, the server skips the rest; the transaction goes back to that receipt's savepoint, the receipt is
    /// postponed, and the ones after it are sent again.
    private func reapply(_ receipts: [Reapplication], on connection: PostgresConnection) throws(DatabaseError) -> [RetriedReceipt] {
        var retried: [RetriedReceipt] = []
        var next = 0
        while next < receipts.count {
            let pending = receipts[next...]
            let steps = try connection.pipeline(pending.flatMap { receipt -> [PostgresConnection.PipelineCommand] in
                [.text("SAVEPOINT reapply"), .prepared(ReceiptStatements.retry(for: receipt.parameters), receipt.parameters), .text("RELEASE SAVEPOINT reapply")]
            })
            for (offset, receipt) in pending.enumerated() {
                switch (steps[3 * offset], steps[3 * offset + 1], steps[3 * offset + 2]) {
                case (.ran, .ran(let rows), .ran):
                    retried.append(RetriedReceipt(stored: receipt.stored, result: try RecordedReceipt(rows), mapped: receipt.mapped))
                    next += 1
                case (.ran, .failed(let error), _):
                    // A statement the server refused or stopped leaves the connection usable: only this receipt is
                    // set back, and the ones after it are sent again.
                    switch error {
                    case .statementFailed, .timedOut: break
                    default: throw error
                    }
                    try connection.execute("ROLLBACK TO SAVEPOINT reapply")
                    _ = try connection.query(ReapplyStatements.postpone, [String(receipt.stored.id), String(receipt.delay)])
                    retried.append(RetriedReceipt(
                        stored: receipt.stored, result: RecordedReceipt(outcome: .waiting, receiptID: receipt.stored.id),
                        mapped: receipt.mapped, failure: error
                    ))
                    next += 1
                default:
                    if let error = steps.lazy.compactMap(\.failure).first { throw error }
                    throw .statementFailed(sqlState: "", message: "a savepoint of the retry pipeline failed")
                }
                if next < receipts.count, case .ran = steps[3 * offset + 2] { continue }
                break
            }
        }
        return retried
    }
}

extension PostgresConnection.PipelineStep {
    /// The error, for a failed step.
    var failure: DatabaseError? {
        if case .failed(let error) = self { return error }
        return nil
    }
}
