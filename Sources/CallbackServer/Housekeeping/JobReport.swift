import CallbackCore
import CallbackStore
import Foundation

/// What one attempt at a housekeeping job came to, whichever the job.
public struct JobReport: Sendable, CustomStringConvertible {
    /// What the attempt did.
    public enum Status: Sendable, Hashable {
        /// This replica ran the job: the rows it changed or deleted and how long it took.
        case ran(rowsAffected: Int, duration: Duration)
        /// The period's run had already finished.
        case alreadyDone
        /// Another replica is running it now.
        case busy
    }

    /// The job.
    public let job: JobName
    /// The period the attempt was for.
    public let period: JobPeriod
    /// What it did.
    public let status: Status

    /// The report of a runner's outcome.
    public init<Result>(job: JobName, outcome: JobOutcome<Result>) {
        self.job = job
        switch outcome {
        case .ran(let result, let period, let duration):
            self.period = period
            status = .ran(rowsAffected: result.rowsAffected, duration: duration)
        case .alreadyDone(let period):
            self.period = period
            status = .alreadyDone
        case .busy(let period):
            self.period = period
            status = .busy
        }
    }

    /// Whether the period needs no further attempt from this replica.
    public var settlesPeriod: Bool { status != .busy }

    public var description: String {
        switch status {
        case .ran(let rows, let duration):
            "\(job.rawValue) ran for the period starting \(period): \(rows) rows in \(String(format: "%.3f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)) s"
        case .alreadyDone:
            "\(job.rawValue) has already run for the period starting \(period); nothing to do"
        case .busy:
            "\(job.rawValue) is being run by another replica right now; nothing done"
        }
    }
}
