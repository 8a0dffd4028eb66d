import CallbackCore
import CallbackStore
import Foundation

/// The timeout as a housekeeping job: notifications a provider never answered for become `temporary-failure`,
/// counted as `timeout.<notification_type>.<status>`; notifications stuck in `created` are reported as the gauge
/// `timeout.<notification_type>.created`.
public struct TimeoutJob: HousekeepingJob {
    private let configuration: JobsConfiguration
    private let metrics: GatewayMetrics

    /// Creates the job.
    public init(configuration: JobsConfiguration, metrics: GatewayMetrics = .disabled) {
        self.configuration = configuration
        self.metrics = metrics
    }

    public var name: JobName { .timeout }
    public var interval: Duration { configuration.timeoutInterval }

    public func run(on runner: JobRunner, now: Date) async throws(DatabaseError) -> JobReport {
        let cutoff = now.addingTimeInterval(-Double(configuration.timeoutPeriod.components.seconds))
        let timeout = NotificationTimeout(cutoff: cutoff, batchSize: configuration.timeoutBatchSize)
        let outcome = try await runner.run(name, period: period(containing: now)) { connection throws(DatabaseError) in
            try timeout.apply(on: connection)
        }
        if case .ran(let result, _, _) = outcome {
            for group in result.timedOut {
                metrics.increment("timeout.\(group.notificationType).\(group.status)", by: group.count)
            }
            for (type, count) in result.stuckCreated {
                metrics.gauge("timeout.\(type).created", count)
            }
        }
        return JobReport(job: name, outcome: outcome)
    }
}
