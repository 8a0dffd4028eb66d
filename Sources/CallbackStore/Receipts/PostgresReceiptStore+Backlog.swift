import CallbackCore
import Foundation

/// The rest of the backlog the dashboard shows (the waiting receipts are ``WaitingBacklog``): recent orphans, the
/// housekeeping jobs' last runs. Each query reads an index (their plans are checked in `BacklogStoreTests`).
extension PostgresReceiptStore {
    public func orphanedCount(receivedSince since: Date) async throws(DatabaseError) -> Int {
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(BacklogStatements.orphaned, [String(since.timeIntervalSince1970)])
        }
        return result.value("count").flatMap { Int($0) } ?? 0
    }

    public func serviceCallbackCounts() async throws(DatabaseError) -> OutboxCounts {
        try await PostgresServiceCallbackOutbox(workers: workers).counts()
    }

    public func lastJobRuns() async throws(DatabaseError) -> [JobRunRecord] {
        try await workers.run { connection throws(DatabaseError) -> [JobRunRecord] in
            var runs: [JobRunRecord] = []
            for job in JobName.allCases {
                let result = try connection.query(BacklogStatements.lastRun, [job.rawValue])
                guard let started = result.value("started_at").flatMap({ Double($0) }), let replica = result.value("replica") else { continue }
                runs.append(JobRunRecord(
                    job: job, startedAt: Date(timeIntervalSince1970: started),
                    finishedAt: result.value("finished_at").flatMap { Double($0) }.map(Date.init(timeIntervalSince1970:)),
                    rowsAffected: result.value("rows_affected").flatMap { Int($0) }, replica: replica, error: result.value("error")
                ))
            }
            return runs
        }
    }

    /// Internal rather than private so that a test can show their plans.
    enum BacklogStatements {
        /// The statistics index holds `received_at` and `outcome`: an index-only scan of the last day's range.
        static let orphaned = PreparedStatement(name: "receipt_orphaned_since", sql: """
            SELECT count(*) AS count
              FROM callback_receipts
             WHERE received_at >= to_timestamp($1::float8) AND outcome = 'orphaned'
            """)
        /// Newest first by the primary key, stopping at the job's first row.
        static let lastRun = PreparedStatement(name: "job_last_run", sql: """
            SELECT extract(epoch FROM started_at) AS started_at, extract(epoch FROM finished_at) AS finished_at,
                   rows_affected, replica, error
              FROM job_runs
             WHERE job = $1::text
             ORDER BY id DESC
             LIMIT 1
            """)
    }
}
