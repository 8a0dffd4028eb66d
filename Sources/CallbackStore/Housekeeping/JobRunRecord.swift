import CallbackCore
import Foundation

/// One run of a housekeeping job as `job_runs` recorded it.
public struct JobRunRecord: Sendable, Hashable {
    /// The job.
    public let job: JobName
    /// When the run started.
    public let startedAt: Date
    /// When it finished; `nil` for a run that failed or is still going.
    public let finishedAt: Date?
    /// The rows it changed, once finished.
    public let rowsAffected: Int?
    /// The replica that ran it.
    public let replica: String
    /// Why it failed, if it did.
    public let error: String?

    /// Creates a record.
    public init(job: JobName, startedAt: Date, finishedAt: Date?, rowsAffected: Int?, replica: String, error: String?) {
        self.job = job
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.rowsAffected = rowsAffected
        self.replica = replica
        self.error = error
    }
}
