import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import Logging
import Testing
import TestSupport

@Suite("Housekeeping scheduler across replicas")
struct JobSchedulerTests {
    /// One replica: a scheduler with a database pool of its own, as each gateway process has.
    struct Replica {
        let workers: DatabaseWorkers
        let scheduler: JobScheduler

        init(database: TestDatabase, name: String, clock: TestClock, configuration: JobsConfiguration, metrics: GatewayMetrics = .disabled) {
            workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1))
            var configuration = configuration
            configuration.replicaName = name
            scheduler = JobScheduler(
                jobs: JobScheduler.standardJobs(configuration, metrics: metrics),
                runner: JobRunner(workers: workers, replica: name),
                clock: clock,
                logger: CapturedLogs().logger(),
                metrics: metrics
            )
        }
    }

    /// Every replica polls at once, then once more (a replica told "busy" tries again at its next poll); returns
    /// how many times each job ran.
    static func pollTogether(_ replicas: [Replica]) async -> [JobName: Int] {
        var reports: [JobReport] = []
        for _ in 0..<2 {
            reports += await withTaskGroup(of: [JobReport].self) { group in
                for replica in replicas { group.addTask { await replica.scheduler.runDue() } }
                return await group.reduce(into: []) { $0 += $1 }
            }
        }
        var ran: [JobName: Int] = [:]
        for report in reports {
            if case .ran = report.status { ran[report.job, default: 0] += 1 }
        }
        return ran
    }

    @Test("replicas racing for the jobs: each runs once per period; every notification is timed out once, with one history row", arguments: [2, 5])
    func race(replicaCount: Int) async throws {
        try await TestDatabase.with { database in
            let clock = try TestClock("2026-01-10T12:10:00Z")
            let old = clock.now().addingTimeInterval(-73 * 3600)
            var ids: [UUID] = []
            for index in 0..<60 {
                ids.append(try await database.insertNotification(status: index.isMultiple(of: 2) ? .sending : .pending, createdAt: old, sentAt: old))
            }
            for _ in 0..<10 { try await database.insertReceipt(receivedAt: utc("2025-12-01T00:00:00Z")) }
            let configuration = JobsConfiguration(timeoutBatchSize: 7, retentionBatchSize: 3)
            let replicas = (0..<replicaCount).map { Replica(database: database, name: "replica-\($0)", clock: clock, configuration: configuration) }

            #expect(await Self.pollTogether(replicas) == [.timeout: 1, .retention: 1])
            // Later in the same hour and day: done already, nobody runs anything.
            clock.advance(by: 40 * 60)
            #expect(await Self.pollTogether(replicas) == [:])
            // The next hour: the timeout's new period runs once; retention's day is still done.
            clock.advance(by: 20 * 60)
            #expect(await Self.pollTogether(replicas) == [.timeout: 1])

            for replica in replicas { await replica.workers.shutdownAndWait() }
            for id in ids {
                #expect(try await database.notification(id)?.status == .temporaryFailure)
                #expect(try await database.historyActors(id).filter { $0 == "timeout" }.count == 1)
                #expect(try await database.history(id).map(\.version) == [1, 2])
            }
            #expect(try await database.count("callback_receipts") == 0)
            let runs = try await database.query("""
                SELECT job, extract(epoch FROM period_start)::bigint AS period, count(*) AS n, sum(rows_affected) AS rows
                  FROM job_runs WHERE finished_at IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
                """)
            #expect(runs.rows == [
                ["retention", String(Int(utc("2026-01-10T00:00:00Z").timeIntervalSince1970)), "1", "10"],
                ["timeout", String(Int(utc("2026-01-10T12:00:00Z").timeIntervalSince1970)), "1", "60"],
                ["timeout", String(Int(utc("2026-01-10T13:00:00Z").timeIntervalSince1970)), "1", "0"],
            ])
        }
    }

    @Test("a run is counted and timed as tasks.<name>; timeouts per type; stuck created notifications as a gauge")
    func metrics() async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let clock = try TestClock("2026-01-10T12:10:00Z")
                let old = clock.now().addingTimeInterval(-80 * 3600)
                try await database.insertNotification(status: .sending, createdAt: old, sentAt: old)
                try await database.insertNotification(status: .pending, createdAt: old, sentAt: old)
                try await database.insertNotification(status: .sending, type: "email", createdAt: old, sentAt: old)
                try await database.insertNotification(status: .created, createdAt: old, sentAt: nil)
                let client = StatsDClient(configuration: StatsDConfiguration(host: "127.0.0.1", port: listener.port, prefix: "notifications.api"), logger: CapturedLogs().logger())
                let metrics = GatewayMetrics(factory: StatsDMetricsFactory(client: client))
                let replica = Replica(database: database, name: "metered", clock: clock, configuration: JobsConfiguration(), metrics: metrics)
                await replica.scheduler.runDue()
                await replica.workers.shutdownAndWait()
                client.flush()
                let lines = await listener.lines(waitingUpTo: .seconds(5)) { lines in
                    lines.contains { $0.hasPrefix("notifications.api.tasks.retention:") && $0.hasSuffix("|ms") }
                }
                #expect(lines.contains("notifications.api.timeout.sms.temporary-failure:2|c"))
                #expect(lines.contains("notifications.api.timeout.email.temporary-failure:1|c"))
                #expect(lines.contains("notifications.api.timeout.sms.created:1|g"))
                #expect(lines.contains("notifications.api.timeout.email.created:0|g"))
                for job in ["timeout", "retention"] {
                    #expect(lines.contains("notifications.api.tasks.\(job):1|c"))
                    #expect(lines.contains { $0.hasPrefix("notifications.api.tasks.\(job):") && $0.hasSuffix("|ms") })
                }
            }
        }
    }
}
