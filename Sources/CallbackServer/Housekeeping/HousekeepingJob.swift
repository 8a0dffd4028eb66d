import CallbackCore
import CallbackStore
import Foundation

/// A periodic job that runs on one replica at a time, once per period.
public protocol HousekeepingJob: Sendable {
    /// The job's name (its lock, its `job_runs` rows and its `tasks.<name>` metric).
    var name: JobName { get }
    /// The length of its period: it runs once in each.
    var interval: Duration { get }

    /// Runs the job through `runner` for the period containing `now`, unless that is done or in progress.
    func run(on runner: JobRunner, now: Date) async throws(DatabaseError) -> JobReport
}

extension HousekeepingJob {
    /// The period containing `now`.
    public func period(containing now: Date) -> JobPeriod { JobPeriod(containing: now, length: interval) }
}
