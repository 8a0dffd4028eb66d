import CallbackCore
import CallbackStore
import Foundation

/// Retention as a housekeeping job: deletes receipts and complaints received more than `retentionDays` full UTC
/// days before today, never a `waiting` receipt.
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
        let outcome = try await runner.run(name, period: period(containing: now)) { connection throws(DatabaseError) in
            try retention.apply(on: connection)
        }
        return JobReport(job: name, outcome: outcome)
    }
}
