import ArgumentParser
import CallbackCore
import CallbackServer
import CallbackStore
import Foundation

/// `callback-gateway jobs run timeout|retention [--force]`: runs one job once, under the same lock and record as the
/// scheduler, so it never runs beside a replica's run; without `--force` it does not repeat a period one has
/// finished, with it it runs now (recorded as a forced run).
struct JobsRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a housekeeping job once for the current period (--force: even if a replica already did).",
        discussion: "Exit status: 0 when the job ran or had already run for the period, 1 when another replica is running it now or the database failed, 78 for a bad setting."
    )

    @Argument(help: ArgumentHelp("timeout or retention.", valueName: "job"))
    var job: String

    @Flag(help: "Run now even if the period's run has finished (same lock; recorded as a forced run, which does not settle the period).")
    var force = false

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var housekeeping: JobOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let jobs: JobsConfiguration
        let name: JobName
        do {
            guard let known = JobName(rawValue: job) else {
                throw ConfigurationError("\"\(job)\" is not a job; give one of \(JobName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            name = known
            jobs = try housekeeping.resolve(environment, enabled: true)
        } catch {
            Failure.report("\(error)")
            throw Failure.configuration
        }
        let chosen = JobScheduler.standardJobs(jobs, metrics: .disabled).first { $0.name == name }
        guard let chosen else { throw Failure.configuration }
        let report = try await Database.withWorkers(database, poolSize: 1) { workers in
            try await chosen.run(on: JobRunner(workers: workers, replica: jobs.replicaName, forcing: force), now: Date())
        }
        print(report)
        if report.status == .alreadyDone {
            print("to run it again now, add --force: it takes the same lock, runs, and records a forced run")
        }
        if report.status == .busy { throw Failure.runtime }
    }
}
