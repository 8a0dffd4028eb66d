import CallbackCore
import CallbackStore
import Foundation

/// Retention as a housekeeping job: adds the day partitions of `callback_receipts` ahead of time, then deletes
/// receipts and complaints received more than `retentionDays` full UTC days before today, never a `waiting`
/// receipt.
public struct RetentionJob: HousekeepingJob {
    private let configuration: JobsConfiguration

    /// Creates the job.
    public init(configuration: JobsConfiguration) {
        self.configuration = configuration
    }

    public var name: JobName { .retention }
    public var interval: Duration { configuration.retentionInterval }

    public func run(on runner: JobRunner, now: Date) async throws(DatabaseError) -> JobReport {
        let retention = ReceiptRetention(
            cutoff: RetentionCutoff(today: CivilDate(utcOf: now), keepingDays: configuration.retentionDays),
            batchSize: configuration.retentionBatchSize
        )
        let today = CivilDate(utcOf: now)
        let daysAhead = daysAhead
        let outcome = try await runner.run(name, period: period(containing: now)) { connection throws(DatabaseError) in
            _ = try ReceiptPartitions.addDays(from: today, ahead: daysAhead, on: connection)
            return try retention.apply(on: connection)
        }
        return JobReport(job: name, outcome: outcome)
    }

    /// Days after today whose partitions exist after a run: two, or more when the job runs less often than
    /// daily, so that one failed run never leaves receipts to the DEFAULT partition.
    var daysAhead: Int {
        let days = Double(interval.components.seconds) / 86_400
        return max(2, Int(days.rounded(.up)) + 1)
    }
}
