import CallbackCore

/// Applies stored receipts again, inside the caller's transaction: the retrier's due receipts and operator
/// re-drives alike.
///
/// Each receipt runs under its own savepoint, so one that fails (a lock wait over the bound, a deadlock with
/// another replica) is postponed by the schedule while the rest of the batch commits.
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
        let rows = StoredReceiptRows(try connection.query(claim, parameters))
        for id in rows.unreadableIDs {
            _ = try connection.query(ReapplyStatements.orphanUnreadable, [String(id)])
        }
        var retried: [RetriedReceipt] = []
        for stored in rows.receipts {
            retried.append(try reapply(stored, on: connection))
        }
        return Batch(retried: retried, claimedRows: rows.count, lastID: rows.lastID)
    }

    private func reapply(_ stored: StoredReceipt, on connection: PostgresConnection) throws(DatabaseError) -> RetriedReceipt {
        guard let mapped = interpret(stored) else {
            _ = try connection.query(ReapplyStatements.orphanUnreadable, [String(stored.id)])
            return RetriedReceipt(stored: stored, result: RecordedReceipt(outcome: .orphaned, receiptID: stored.id), mapped: nil)
        }
        let delay = schedule.delay(afterAttempts: stored.attempts + 1)
        let parameters = ReceiptParameters.shared(mapped, retryDelay: delay) + [
            String(stored.id),
            schedule.shouldGiveUp(age: stored.ageSeconds) ? "true" : "false",
        ]
        try connection.execute("SAVEPOINT reapply")
        do throws(DatabaseError) {
            let result = try RecordedReceipt(connection.query(ReceiptStatements.retry, parameters))
            try connection.execute("RELEASE SAVEPOINT reapply")
            return RetriedReceipt(stored: stored, result: result, mapped: mapped)
        } catch {
            // A statement the server refused or stopped leaves the connection usable: only this receipt is set back.
            guard !connection.isBroken else { throw error }
            switch error {
            case .statementFailed, .timedOut: break
            default: throw error
            }
            try connection.execute("ROLLBACK TO SAVEPOINT reapply")
            _ = try connection.query(ReapplyStatements.postpone, [String(stored.id), String(delay)])
            return RetriedReceipt(stored: stored, result: RecordedReceipt(outcome: .waiting, receiptID: stored.id), mapped: mapped, failure: error)
        }
    }
}
