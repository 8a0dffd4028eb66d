import CallbackCore
import Foundation

/// Runs periodic jobs so that, with any number of replicas, exactly one runs a job at a time and a job finished
/// for its period is never run again for that period.
///
/// A run happens on one connection from start to end: it takes the job's session-level advisory lock with
/// `pg_try_advisory_lock` (a replica that does not get it moves on, it never waits), checks `job_runs` for a
/// finished run of the period, does the work, records the run, and releases the lock in every path. If the
/// connection is lost, the server releases the lock with the session.
///
/// A forcing runner (an operator's `jobs run --force`: someone who runs a job by hand means now) takes the same lock
/// but runs whether or not the period's run has finished, and records its run as `forced`: a forced run does not
/// settle the period, so the scheduler's own run still happens once in it.
///
/// Give the runner workers of its own: a run holds its connection for as long as the work takes.
public struct JobRunner: Sendable {
    private let workers: DatabaseWorkers
    /// The name this replica records its runs under.
    public let replica: String
    /// Whether runs ignore a finished run of the period (and are recorded as forced).
    public let forcing: Bool

    /// Creates a runner on `workers`, recording runs as `replica`; `forcing` runs even when the period is done.
    public init(workers: DatabaseWorkers, replica: String, forcing: Bool = false) {
        self.workers = workers
        self.replica = replica
        self.forcing = forcing
    }

    /// Runs `job` for `period` unless another replica is running it or (unless forcing) a run for the period has
    /// finished.
    ///
    /// - Parameter work: the job itself, on the run's connection. Each of its statements commits on its own, so
    ///   that a large backlog never becomes one huge transaction.
    /// - Throws: ``DatabaseError`` from taking the lock, from the record or from `work`; the run is then recorded
    ///   with its error and without `finished_at`, so the period is tried again.
    public func run<Result: JobResult>(
        _ job: JobName,
        period: JobPeriod,
        _ work: @escaping @Sendable (PostgresConnection) throws(DatabaseError) -> Result
    ) async throws(DatabaseError) -> JobOutcome<Result> {
        try await workers.run { [replica, forcing] connection throws(DatabaseError) -> JobOutcome<Result> in
            let key = String(job.lockKey)
            guard try connection.query(Statements.tryLock, [key]).value("locked") == "t" else { return .busy(period: period) }
            // A lost connection has released the lock already, and a broken handle cannot be used.
            defer { if !connection.isBroken { _ = try? connection.query(Statements.unlock, [key]) } }

            let periodStart = String(period.startSeconds)
            if !forcing, !(try connection.query(Statements.finishedRun, [job.rawValue, periodStart]).rows.isEmpty) {
                return .alreadyDone(period: period)
            }
            let runID = try connection.query(Statements.start, [job.rawValue, periodStart, replica, forcing ? "true" : "false"]).value("id")
            let started = ContinuousClock.now
            do throws(DatabaseError) {
                let result = try work(connection)
                _ = try connection.query(Statements.finish, [runID, String(result.rowsAffected)])
                return .ran(result, period: period, duration: ContinuousClock.now - started)
            } catch {
                if !connection.isBroken { _ = try? connection.query(Statements.fail, [runID, "\(error)"]) }
                throw error
            }
        }
    }

    private enum Statements {
        static let tryLock = PreparedStatement(name: "job_try_lock", sql: "SELECT pg_try_advisory_lock($1::bigint) AS locked")
        static let unlock = PreparedStatement(name: "job_unlock", sql: "SELECT pg_advisory_unlock($1::bigint)")
        static let finishedRun = PreparedStatement(name: "job_finished_run", sql: """
            SELECT 1 FROM job_runs
             WHERE job = $1::text AND period_start = to_timestamp($2::float8) AND finished_at IS NOT NULL AND NOT forced
            """)
        static let start = PreparedStatement(name: "job_start", sql: """
            INSERT INTO job_runs (job, period_start, replica, forced)
            VALUES ($1::text, to_timestamp($2::float8), $3::text, $4::boolean)
            RETURNING id
            """)
        static let finish = PreparedStatement(name: "job_finish", sql: """
            UPDATE job_runs SET finished_at = clock_timestamp(), rows_affected = $2::bigint WHERE id = $1::bigint
            """)
        static let fail = PreparedStatement(name: "job_fail", sql: "UPDATE job_runs SET error = $2::text WHERE id = $1::bigint")
    }
}
