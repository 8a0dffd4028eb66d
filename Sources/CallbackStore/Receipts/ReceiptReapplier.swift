import CallbackCore

/// Applies stored receipts again, inside the caller's transaction: the retrier's due receipts and operator
/// re-drives alike.
///
/// The receipts run under a savepoint, so one that fails (a row lock held longer than ``BatchLockWait``, a deadlock
/// with another replica) is postponed by the schedule while the rest of the batch is applied and commits.
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

    /// One receipt to apply again, and its write.
    private struct Reapplication {
        var stored: StoredReceipt
        var mapped: MappedReceipt
        var delay: Double
        var write: ReceiptWrite

        init(stored: StoredReceipt, mapped: MappedReceipt, schedule: RetrySchedule) {
            self.stored = stored
            self.mapped = mapped
            delay = schedule.delay(afterAttempts: stored.attempts + 1)
            let decisions = ReceiptDecisions(target: mapped.mapping.target, givingUp: schedule.shouldGiveUp(age: stored.ageSeconds))
            write = .reapplied(ReceiptApplication(mapped, decisions: decisions, retryDelay: delay), receiptID: stored.id)
        }
    }

    /// Applies the receipts in order, all sent in one pipeline between one `SAVEPOINT` and its `RELEASE`. When one
    /// fails, the server skips the rest; the transaction goes back to the savepoint, that receipt is postponed, and
    /// the others are sent again. A failure is rare: a savepoint for each receipt instead cost PostgreSQL a
    /// subtransaction and two more statements for every receipt.
    private func reapply(_ receipts: [Reapplication], on connection: PostgresConnection) throws(DatabaseError) -> [RetriedReceipt] {
        var retried = [RetriedReceipt?](repeating: nil, count: receipts.count)
        var remaining = Array(receipts.indices)
        while !remaining.isEmpty {
            let statements = remaining.map { ReceiptStatements.command(receipts[$0].write) }
            let steps = try connection.pipeline([.text("SAVEPOINT reapply")] + statements + [.text("RELEASE SAVEPOINT reapply")])
            let statementSteps = steps.dropFirst().dropLast()
            guard let failed = statementSteps.firstIndex(where: { $0.failure != nil }), let error = steps[failed].failure else {
                if let error = steps.lazy.compactMap(\.failure).first { throw error }
                for (index, step) in zip(remaining, statementSteps) {
                    guard case .ran(let rows) = step else {
                        throw .statementFailed(sqlState: "", message: "a statement of the retry pipeline did not run")
                    }
                    let receipt = receipts[index]
                    retried[index] = RetriedReceipt(stored: receipt.stored, result: try RecordedReceipt(rows), mapped: receipt.mapped)
                }
                break
            }
            // A statement the server refused or stopped leaves the connection usable: only this receipt is set back.
            switch error {
            case .statementFailed, .timedOut: break
            default: throw error
            }
            let culprit = remaining.remove(at: failed - statementSteps.startIndex)
            let receipt = receipts[culprit]
            try connection.execute("ROLLBACK TO SAVEPOINT reapply")
            _ = try connection.query(ReapplyStatements.postpone, [String(receipt.stored.id), String(receipt.delay)])
            retried[culprit] = RetriedReceipt(
                stored: receipt.stored, result: RecordedReceipt(outcome: .waiting, receiptID: receipt.stored.id),
                mapped: receipt.mapped, failure: error
            )
        }
        return retried.compactMap { $0 }
    }
}

extension PostgresConnection.PipelineStep {
    /// The error, for a failed step.
    var failure: DatabaseError? {
        if case .failed(let error) = self { return error }
        return nil
    }
}
