import CallbackCore
import CallbackStore
import Foundation
import Logging
import ServiceLifecycle

/// The background service that runs the housekeeping jobs. Every replica runs one; the ``JobRunner``'s advisory
/// lock and `job_runs` record make each job run on one replica at a time and once per period.
///
/// Each poll, a job whose current period is not yet settled on this replica is attempted: run here, found done by
/// another replica, or found busy (then tried again at the next poll, by which time it is usually done).
public struct JobScheduler: Service {
    private let jobs: [any HousekeepingJob]
    private let runner: JobRunner
    private let clock: any WallClock
    private let pollInterval: Duration
    private let logger: Logger
    private let metrics: GatewayMetrics
    private let settled = SettledPeriods()

    /// Creates a scheduler. Give `runner` workers of its own, so that a long run never takes a connection from
    /// the receipts.
    public init(
        jobs: [any HousekeepingJob],
        runner: JobRunner,
        clock: any WallClock = SystemClock(),
        pollInterval: Duration = .seconds(60),
        logger: Logger,
        metrics: GatewayMetrics = .disabled
    ) {
        self.jobs = jobs
        self.runner = runner
        self.clock = clock
        self.pollInterval = pollInterval
        self.logger = logger
        self.metrics = metrics
    }

    /// The timeout and retention jobs, as `configuration` sets them.
    public static func standardJobs(_ configuration: JobsConfiguration, metrics: GatewayMetrics) -> [any HousekeepingJob] {
        [TimeoutJob(configuration: configuration, metrics: metrics), RetentionJob(configuration: configuration)]
    }

    /// Polls until the service group shuts down.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await runDue()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
        }
    }

    /// Attempts every job whose current period is not settled on this replica, one after the other, and returns
    /// what each attempt came to (jobs already settled are left out). A job that fails is logged and tried again
    /// at the next poll; it never stops the others.
    @discardableResult
    public func runDue() async -> [JobReport] {
        var reports: [JobReport] = []
        for job in jobs {
            let now = clock.now()
            let period = job.period(containing: now)
            if await settled.isSettled(job.name, period) { continue }
            do {
                let report = try await job.run(on: runner, now: now)
                if report.settlesPeriod { await settled.settle(job.name, report.period) }
                record(report)
                reports.append(report)
            } catch {
                logger.warning("housekeeping job failed; it will be tried again", metadata: [
                    "job": .string(job.name.rawValue), "period": .string(period.description), "error": "\(error)",
                ])
            }
        }
        return reports
    }

    private func record(_ report: JobReport) {
        switch report.status {
        case .ran(let rows, let duration):
            metrics.jobRan(report.job.rawValue, for: duration)
            logger.info("housekeeping job ran", metadata: [
                "job": .string(report.job.rawValue), "period": .string(report.period.description),
                "rows_affected": .stringConvertible(rows), "replica": .string(runner.replica),
            ])
        case .alreadyDone, .busy:
            logger.debug("\(report)")
        }
    }
}
