import CallbackStore
import Foundation
import Testing
import TestSupport

@Suite("Database faults: PostgreSQL stopped hard under load")
struct DatabaseFaultTests {
    /// A gateway on a PostgreSQL of the test's own, under a steady 200 receipts a second (Firetext and MMG, every
    /// seventh a verbatim resend). PostgreSQL is stopped with `pg_ctl stop -m immediate` (a crash: backends killed,
    /// no checkpoint) mid-load, left down for three seconds while the load goes on, and started again.
    ///
    /// - While it is down every answer is 503 with `Retry-After: 5`: no 200 without a stored row.
    /// - The gateway recovers by itself, without a restart: it answers 200 again within a bounded time (it fails
    ///   fast for about a second after a failed connect, by design).
    /// - Nothing answered 200 is missing. A receipt answered 503 as the server died may have been committed all the
    ///   same (its answer was lost with the connection); sent again, as a provider does after a 503, it is answered
    ///   `duplicate`. After the resends the distinct bodies answered 200 are exactly the stored receipts.
    @Test("PostgreSQL stopped hard mid-load: only 503s while down, recovery without a restart, no receipt lost", .timeLimit(.minutes(1)))
    func postgresStopsHard() async throws {
        try await DisposableCluster.with { cluster in
            let workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: cluster.url, poolSize: 1))
            do {
                try await scenario(cluster: cluster, workers: workers)
                await workers.shutdownAndWait()
            } catch {
                await workers.shutdownAndWait()
                throw error
            }
        }
    }

    private func scenario(cluster: DisposableCluster, workers: DatabaseWorkers) async throws {
        _ = try await Migrator(workers: workers).migrate()
        let ids = (0..<600).map { _ in UUID() }
        try await workers.insertNotifications(ids)
        // A short connect timeout: a refused connect fails at once anyway; this bounds any other failure.
        let gateway = try await RunningGateway.start(databaseURL: cluster.url, environment: ["DATABASE_CONNECT_TIMEOUT": "2"])
        defer { gateway.stop() }

        let run = LoadGenerator(ports: [gateway.port], concurrency: 8, ratePerSecond: 200).start { index in
            steadyReceipt(index, ids: ids)
        }
        let warmedUp = await run.waitUntil(timeout: .seconds(30)) { $0.ok >= 300 }
        #expect(warmedUp, "300 receipts answered 200 before the fault")

        try await cluster.stopServer(mode: "immediate")
        let downFrom = ContinuousClock.now
        try await Task.sleep(for: .seconds(3))
        let downUntil = ContinuousClock.now
        try await cluster.startServer()
        let upAt = ContinuousClock.now

        let recovered = await run.waitUntil(timeout: .seconds(20)) { $0.lastOKAt.map { $0 > upAt } ?? false }
        #expect(recovered, "the gateway answered 200 again within 20 s of PostgreSQL being back, without a restart")
        // Keep sending a little longer, so that the recovered gateway is seen to stay healthy.
        let okAtRecovery = run.progress.ok
        _ = await run.waitUntil(timeout: .seconds(10)) { $0.ok >= okAtRecovery + 200 }
        run.stop()
        let report = await run.finish()
        #expect(await gateway.exitStatus(within: .zero) == nil, "the gateway kept running through the outage")

        // While PostgreSQL was down, every answer was a 503 with Retry-After.
        let whileDown = report.results.filter { $0.startedAt >= downFrom && $0.finishedAt <= downUntil }
        #expect(whileDown.count >= 100, "requests answered while PostgreSQL was down: \(whileDown.count)")
        let wrongWhileDown = whileDown.filter { $0.status != 503 || $0.retryAfter != "5" }
        #expect(wrongWhileDown.isEmpty, "answers other than 503 + Retry-After while down: \(wrongWhileDown.prefix(5).map { "\($0.status.map(String.init) ?? $0.failure!.description) \($0.responseBody)" })")
        // No connection broke and nothing but 200 and 503 was answered, at any time.
        #expect(report.transportFailures.isEmpty, "transport errors: \(report.failureCounts)")
        #expect(report.otherStatuses.isEmpty, "statuses other than 200 and 503: \(report.otherStatuses)")
        let firstOKAfter = report.results.filter { $0.isOK && $0.finishedAt > upAt }.map(\.finishedAt).min()
        let recovery = firstOKAfter.map { LoadRun.seconds($0 - upAt) }

        // Nothing answered 200 is missing.
        let before = try await StoredState.load(workers)
        let answered = report.keysAnswered200
        let lost = answered.subtracting(before.keys)
        #expect(lost.isEmpty, "receipts answered 200 but not stored: \(lost.prefix(5).map(\.body))")
        let storedDespite503 = before.keys.subtracting(answered).count

        // A provider sends again what was not answered 200; then 200s and rows agree exactly.
        let resends = await resendUnanswered(report, to: gateway.port)
        let all = LoadReport.merged([report] + resends)
        let stored = try await StoredState.load(workers)
        #expect(all.keysAnswered200 == all.keysSent, "every receipt was answered 200 once sent again")
        #expect(stored.receipts.count == all.keysAnswered200.count, "\(stored.receipts.count) rows for \(all.keysAnswered200.count) distinct bodies answered 200")
        #expect(stored.keys == all.keysAnswered200)
        let violations = stored.ruleViolations()
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")

        FaultFigures(
            scenario: "PostgreSQL stopped hard (pg_ctl stop -m immediate) under 200 receipts/s, down 3 s",
            report: report,
            faults: "1 (PostgreSQL crash-stopped for \(String(format: "%.1f", LoadRun.seconds(upAt - downFrom))) s, then started)",
            stored: before.receipts.count,
            lost: lost.count,
            notes: [
                "answered while down: \(whileDown.count), all 503 with Retry-After: \(wrongWhileDown.isEmpty)",
                "first 200 after PostgreSQL was back: " + (recovery.map { String(format: "%.2f s", $0) } ?? "never"),
                "stored although answered 503 (committed as the server died; resent -> duplicate): \(storedDespite503)",
                "resent after the fault: \(resends.reduce(0) { $0 + $1.sent }), then distinct bodies answered 200 = rows = \(stored.receipts.count)",
            ]
        ).publish()
    }
}
