import CallbackCore
import Foundation
import Testing
import TestSupport

@Suite("callback-gateway jobs run and stats")
struct HousekeepingCommandTests {
    @Test("jobs run timeout times out what is due, once per period; a second run finds it done")
    func runTimeout() async throws {
        try await TestDatabase.with { database in
            let old = Date().addingTimeInterval(-100 * 3600)
            let id = try await database.insertNotification(status: .sending, createdAt: old, sentAt: old)
            let recent = try await database.insertNotification(status: .pending, createdAt: old, sentAt: Date())
            let environment = ["DATABASE_URL": database.url, "REPLICA_NAME": "operator"]

            let first = try await Gateway.run(["jobs", "run", "timeout"], environment: environment)
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardOutput.contains("timeout ran for the period starting"))
            #expect(first.standardOutput.contains(": 1 rows"))
            #expect(try await database.notification(id)?.status == .temporaryFailure)
            #expect(try await database.notification(id)?.updatedBy == "timeout")
            #expect(try await database.notification(recent)?.status == .pending)

            let second = try await Gateway.run(["jobs", "run", "timeout"], environment: environment)
            #expect(second.status == 0)
            #expect(second.standardOutput.contains("has already run for the period"))
            #expect(second.standardOutput.contains("add --force"))
            let runs = try await database.query("SELECT replica FROM job_runs WHERE finished_at IS NOT NULL")
            #expect(runs.rows == [["operator"]])
        }
    }

    @Test("jobs run --force runs now although the period's run is done, records a forced run, and leaves the period to the scheduler")
    func forcedRun() async throws {
        try await TestDatabase.with { database in
            let environment = ["DATABASE_URL": database.url, "REPLICA_NAME": "operator"]
            let first = try await Gateway.run(["jobs", "run", "timeout"], environment: environment)
            #expect(first.status == 0, "\(first.standardError)")

            // Due only after the period's run: without --force it would wait for the next period.
            let old = Date().addingTimeInterval(-100 * 3600)
            let id = try await database.insertNotification(status: .sending, createdAt: old, sentAt: old)
            let forced = try await Gateway.run(["jobs", "run", "timeout", "--force"], environment: environment)
            #expect(forced.status == 0, "\(forced.standardError)")
            #expect(forced.standardOutput.contains("timeout ran for the period starting"))
            #expect(forced.standardOutput.contains(": 1 rows"))
            #expect(try await database.notification(id)?.status == .temporaryFailure)
            #expect(try await database.query("SELECT count(*) AS n FROM notification_history WHERE id = $1::uuid", [id.uuidString]).value("n") == "2")

            let runs = try await database.query("SELECT forced, rows_affected FROM job_runs WHERE finished_at IS NOT NULL ORDER BY id")
            #expect(runs.rows == [["f", "0"], ["t", "1"]])
            let again = try await Gateway.run(["jobs", "run", "timeout"], environment: environment)
            #expect(again.standardOutput.contains("has already run for the period"), "a forced run does not undo the period's own")
        }
    }

    @Test("serve runs both jobs as soon as it starts, recorded under REPLICA_NAME")
    func serveRunsJobs() async throws {
        try await TestDatabase.with { database in
            let old = Date().addingTimeInterval(-2 * 3600)
            let id = try await database.insertNotification(status: .sending, createdAt: old, sentAt: old)
            let server = try await RunningGateway.start(database: database, environment: [
                "JOBS": "on", "TIMEOUT_PERIOD": "1h", "REPLICA_NAME": "serve-test",
            ])
            defer { server.stop() }
            var runs: [[String?]] = []
            for _ in 0..<150 where runs.count < 2 {
                try await Task.sleep(for: .milliseconds(100))
                runs = try await database.query("SELECT job, replica FROM job_runs WHERE finished_at IS NOT NULL ORDER BY job").rows
            }
            #expect(runs == [["retention", "serve-test"], ["timeout", "serve-test"]])
            #expect(try await database.notification(id)?.status == .temporaryFailure)
            #expect(server.process.standardError.contains("timeout_period=1h"), "settings are logged as given")
        }
    }

    @Test("jobs run retention keeps RETENTION_DAYS full days")
    func runRetention() async throws {
        try await TestDatabase.with { database in
            try await database.insertReceipt(receivedAt: Date().addingTimeInterval(-40 * 86_400))
            try await database.insertReceipt(receivedAt: Date())
            let output = try await Gateway.run(["jobs", "run", "retention"], environment: ["DATABASE_URL": database.url, "RETENTION_DAYS": "30"])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(try await database.count("callback_receipts") == 1)
        }
    }

    @Test("stats prints every provider for today and the days asked for")
    func stats() async throws {
        try await TestDatabase.with { database in
            try await database.insertReceipt(provider: .mmg, outcome: .duplicate, receivedAt: Date())
            let output = try await Gateway.run(["stats", "--limit-days", "1"], environment: ["DATABASE_URL": database.url])
            #expect(output.status == 0, "\(output.standardError)")
            let lines = output.standardOutput.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("date") == true)
            #expect(lines.count == 1 + 2 * Provider.allCases.count + 1)
            #expect(lines.last == "service callbacks: 0 pending, 0 failed, 0 dead")
            let today = CivilDate(utcOf: Date()).description
            let mmg = try #require(lines.first { $0.hasPrefix(today) && $0.contains("mmg") })
            #expect(mmg.split(separator: " ").map(String.init) == [today, "mmg", "0", "1", "0", "0", "0", "0", "0", "0", "1"])
        }
    }

    @Test("bad housekeeping settings and arguments are refused with exit 78 and a message naming them", arguments: [
        (["stats", "--limit-days", "32"], [:], "--limit-days is \"32\": limit_days must be a whole number from 0 to 31"),
        (["stats", "--limit-days", "abc"], [:], "limit_days must be a whole number from 0 to 31"),
        (["jobs", "run", "vacuum"], [:], "\"vacuum\" is not a job; give one of timeout, retention"),
        (["jobs", "run", "timeout"], ["TIMEOUT_PERIOD": "72 hours"], "TIMEOUT_PERIOD is \"72 hours\", which is not a duration from 1m to 365d"),
        (["serve"], ["TIMEOUT_PERIOD": "0"], "TIMEOUT_PERIOD is \"0\""),
        (["serve"], ["TIMEOUT_BATCH_SIZE": "0"], "TIMEOUT_BATCH_SIZE is \"0\", which is not a number of notifications"),
        (["serve"], ["RETENTION_DAYS": "-7"], "RETENTION_DAYS is \"-7\", which is not a number of days; give a whole number from 1 to 3650"),
        (["serve"], ["TIMEOUT_INTERVAL": "10s"], "TIMEOUT_INTERVAL is \"10s\", which is not a duration from 1m to 1d"),
        (["serve"], ["JOBS": "sometimes"], "JOBS is \"sometimes\"; use one of"),
        (["serve", "--replica-name", " "], [:], "REPLICA_NAME must be 1 to 200 characters"),
    ] as [([String], [String: String], String)])
    func badSettings(arguments: [String], environment: [String: String], message: String) async throws {
        let output = try await Gateway.run(arguments, environment: environment)
        #expect(output.status == 78)
        #expect(output.standardError.contains(message), "\(output.standardError)")
    }
}
