import CallbackStore
import Foundation
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite("Gateway faults: a gateway killed or stopped under load")
struct GatewayFaultTests {
    /// Two gateways on one database share an open-ended load (16 in flight); one is killed with SIGKILL after
    /// 500 answers. Its requests in flight break and later ones are refused; the other gateway goes on. The load
    /// stops only once 300 more requests have finished after the kill, so a machine slow to notice the 500th answer
    /// cannot let the whole load finish before the kill.
    ///
    /// - Every receipt either gateway answered 200 is in the database: nothing acknowledged is lost.
    /// - Nothing is half-applied: every change still has its history row and its applied receipt.
    /// - A receipt in flight at the kill may have been committed without its answer; sent again to the surviving
    ///   gateway (as a provider does after a broken connection), it is answered `duplicate`, so afterwards the
    ///   distinct bodies answered 200 are exactly the stored receipts.
    @Test("SIGKILL under load: every receipt answered 200 is stored, nothing half-applied", .timeLimit(.minutes(1)))
    func sigkill() async throws {
        try await TestDatabase.with { database in
            let ids = (0..<500).map { _ in UUID() }
            try await database.workers.insertNotifications(ids)
            async let startedFirst = RunningGateway.start(databaseURL: database.url)
            async let startedSecond = RunningGateway.start(databaseURL: database.url)
            let (victim, survivor) = try await (startedFirst, startedSecond)
            defer {
                victim.stop()
                survivor.stop()
            }

            let run = LoadGenerator(ports: [victim.port, survivor.port], concurrency: 16).start { index in
                steadyReceipt(index, ids: ids, targets: 2)
            }
            let loaded = await run.waitUntil(timeout: .seconds(30)) { $0.completed >= 500 }
            #expect(loaded, "500 receipts answered before the kill")
            let killedAt = ContinuousClock.now
            victim.process.signal(SIGKILL)
            #expect(await victim.exitStatus(within: .seconds(10)) == 128 + SIGKILL)
            let completedAtKill = run.progress.completed
            let after = await run.waitUntil(timeout: .seconds(30)) { $0.completed >= completedAtKill + 300 }
            #expect(after, "300 requests finished after the kill")
            run.stop()
            let report = await run.finish()

            // Until the kill every request was answered 200; afterwards only the victim's requests failed.
            let answers = report.results.filter { $0.status != nil }
            #expect(answers.allSatisfy { $0.isOK }, "answers other than 200: \(answers.filter { !$0.isOK }.prefix(5).map(\.responseBody))")
            let failures = report.transportFailures
            #expect(failures.allSatisfy { $0.port == victim.port && $0.finishedAt >= killedAt }, "transport errors other than the victim's after the kill: \(failures.filter { $0.port != victim.port || $0.finishedAt < killedAt }.count)")
            #expect(failures.allSatisfy { $0.failure == .refused || $0.failure == .closedBeforeAnswer(requestSent: true) || $0.failure == .closedBeforeAnswer(requestSent: false) },
                    "failures other than refused or closed before an answer: \(report.failureCounts)")
            #expect(failures.contains { $0.failure == .refused }, "requests after the kill were refused")

            // Nothing answered 200 is missing.
            let before = try await StoredState.load(database.workers)
            let answered = report.keysAnswered200
            let lost = answered.subtracting(before.keys)
            #expect(lost.isEmpty, "receipts answered 200 but not stored: \(lost.prefix(5).map(\.body))")
            let storedUnanswered = before.keys.subtracting(answered).count
            let violationsBefore = before.ruleViolations()
            #expect(violationsBefore.isEmpty, "after the kill: \(violationsBefore.joined(separator: "\n"))")

            // Resent to the surviving gateway, every receipt is answered 200 once and stored once.
            let resends = await resendUnanswered(report, to: survivor.port)
            let all = LoadReport.merged([report] + resends)
            let stored = try await StoredState.load(database.workers)
            #expect(all.keysAnswered200 == all.keysSent)
            #expect(stored.receipts.count == all.keysAnswered200.count, "\(stored.receipts.count) rows for \(all.keysAnswered200.count) distinct bodies answered 200")
            #expect(stored.keys == all.keysAnswered200)
            let violations = stored.ruleViolations()
            #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")

            let victimResults = report.results.filter { $0.port == victim.port }
            FaultFigures(
                scenario: "SIGKILL of one of two gateways under load (16 in flight)",
                report: report,
                faults: "1 (SIGKILL after \(report.results.count { $0.finishedAt < killedAt }) answers)",
                stored: before.receipts.count,
                lost: lost.count,
                notes: [
                    "killed gateway: \(victimResults.count { $0.isOK }) answered 200 before the kill, all stored; \(victimResults.count { $0.failure != nil }) failed after it",
                    "stored although the answer was lost with the process (in flight at the kill): \(storedUnanswered)",
                    "resent to the surviving gateway: \(resends.reduce(0) { $0 + $1.sent }), then distinct bodies answered 200 = rows = \(stored.receipts.count)",
                ]
            ).publish()
        }
    }

    /// A gateway under a steady 300 receipts a second gets SIGTERM while three of its requests are held inside it
    /// (their notifications' rows are locked, so their statements wait on the lock), and 120 receipts it stored
    /// are `waiting` for notifications that do not exist yet.
    ///
    /// What it promises, precisely:
    /// - Requests in flight finish: the three held requests are answered 200 `applied` once the lock is released,
    ///   after the signal; every request that got an HTTP answer got a 200 (no 503 while draining).
    /// - No answer is cut: a request that failed was either refused at connect (the listener was closed) or had its
    ///   connection closed before a single byte of an answer; none failed before the signal.
    /// - Nothing the gateway acted on went unanswered: the receipts stored are exactly those answered 200, so a
    ///   connection it closed unanswered was one whose request it had not read, and a provider's resend is new.
    /// - It exits 0 within 30 s.
    /// - The waiting receipts are applied by the next gateway started on the database, once their notifications
    ///   exist.
    @Test("SIGTERM under load: requests in flight finish, exit 0 within 30 s, waiting receipts go to the next gateway", .timeLimit(.minutes(1)))
    func sigterm() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let ids = (0..<400).map { _ in UUID() }
            let held = (0..<3).map { _ in UUID() }
            let late = (0..<60).map { _ in UUID() }
            try await database.workers.insertNotifications(ids + held)
            let gateway = try await RunningGateway.start(databaseURL: database.url, environment: ["DATABASE_POOL_SIZE": "8"])
            defer { gateway.stop() }

            // Receipts for notifications that do not exist yet go first: each is answered `waiting`.
            let waitingReceipts = late.enumerated().flatMap { index, id in
                [ReceiptKind.pending.firetext(id, nonce: 2_000_000 + 2 * index),
                 ReceiptKind.finals[index % 4].firetext(id, nonce: 2_000_000 + 2 * index + 1)]
            }
            let run = LoadGenerator(ports: [gateway.port], concurrency: 16, ratePerSecond: 300).start { index in
                index < waitingReceipts.count ? waitingReceipts[index] : steadyReceipt(index - waitingReceipts.count, ids: ids)
            }
            let loaded = await run.waitUntil(timeout: .seconds(30)) { $0.completed >= 600 }
            #expect(loaded, "600 receipts answered before the signal")

            // Hold three requests inside the gateway: lock their notifications' rows, send, and wait until their
            // statements are blocked behind this connection.
            try await database.query("BEGIN")
            let locker = try await database.query("SELECT pg_backend_pid() AS pid").value("pid") ?? ""
            try await database.query(
                "SELECT id FROM notifications WHERE id = ANY($1::uuid[]) FOR UPDATE",
                ["{" + held.map { $0.uuidString.lowercased() }.joined(separator: ",") + "}"]
            )
            let heldRequests = held.enumerated().map { ReceiptKind.delivered.firetext($1, nonce: 3_000_000 + $0) }
            // Sent one at a time, each once the one before it waits on the lock, so that each is in a batch of its
            // own (receipts that wait for a connection together are stored together and would wait on the lock once).
            let sentHeld = Mutex(0)
            let heldRun = LoadGenerator(ports: [gateway.port], concurrency: 3).start { index in
                while index < heldRequests.count && sentHeld.withLock({ $0 }) < index { Thread.sleep(forTimeInterval: 0.005) }
                return index < heldRequests.count ? heldRequests[index] : nil
            }
            let observer = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1))
            var blocked = 0
            for _ in 0..<400 where blocked < held.count {
                blocked = Int(try await observer.sql(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))", [locker]
                ).value("n") ?? "") ?? 0
                sentHeld.withLock { $0 = max($0, blocked) }
                if blocked < held.count { try await Task.sleep(for: .milliseconds(25)) }
            }
            sentHeld.withLock { $0 = held.count }
            await observer.shutdownAndWait()
            #expect(blocked == held.count, "the held requests' statements were waiting on the lock at the signal")

            let signalledAt = ContinuousClock.now
            gateway.process.signal(SIGTERM)
            try await Task.sleep(for: .milliseconds(500))
            try await database.query("COMMIT")
            let heldReport = await heldRun.finish()
            let status = await gateway.exitStatus(within: .seconds(30))
            let exitedAt = ContinuousClock.now
            run.stop()
            let report = await run.finish()
            #expect(status == 0, "the gateway exited 0 within 30 s of SIGTERM (status: \(status.map(String.init) ?? "still running"))")

            // Requests in flight finished.
            #expect(heldReport.results.allSatisfy { $0.status == 200 && $0.outcome == "applied" && $0.statusWritten == "delivered" },
                    "held requests: \(heldReport.results.map { $0.status.map(String.init) ?? $0.failure!.description })")
            let answers = report.results.filter { $0.status != nil }
            #expect(answers.allSatisfy { $0.isOK }, "answers other than 200: \(answers.filter { !$0.isOK }.prefix(5).map(\.responseBody))")
            // No answer was cut, and nothing failed before the signal.
            let failures = report.transportFailures
            #expect(failures.allSatisfy { $0.failure == .refused || $0.failure == .closedBeforeAnswer(requestSent: true) || $0.failure == .closedBeforeAnswer(requestSent: false) },
                    "failures other than refused or closed before an answer: \(report.failureCounts)")
            #expect(failures.allSatisfy { $0.finishedAt >= signalledAt }, "transport errors before the signal: \(failures.count { $0.finishedAt < signalledAt })")
            #expect(failures.contains { $0.failure == .refused }, "requests after the listener closed were refused")

            // The gateway stored exactly what it answered 200.
            let whole = LoadReport.merged([report, heldReport])
            let before = try await StoredState.load(database.workers)
            let lost = whole.keysAnswered200.subtracting(before.keys)
            #expect(lost.isEmpty, "receipts answered 200 but not stored: \(lost.prefix(5).map(\.body))")
            let unanswered = before.keys.subtracting(whole.keysAnswered200)
            #expect(unanswered.isEmpty, "receipts stored although their connection was closed unanswered: \(unanswered.prefix(5).map(\.body))")
            let waitingAnswers = report.results.count { $0.outcome == "waiting" }
            #expect(waitingAnswers == waitingReceipts.count)
            let waitingRows = try await database.workers.waitingCount()
            #expect(waitingRows == waitingReceipts.count)

            // The next gateway applies the waiting receipts once their notifications exist.
            try await database.workers.insertNotifications(late)
            // Made due before the next gateway starts: a bulk update racing its retrier could deadlock with it.
            try await database.workers.makeWaitingDue()
            let next = try await RunningGateway.start(databaseURL: database.url)
            defer { next.stop() }
            var waiting = try await database.workers.waitingCount()
            let deadline = ContinuousClock.now + .seconds(20)
            while waiting > 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                waiting = try await database.workers.waitingCount()
            }
            #expect(waiting == 0, "the next gateway settled every waiting receipt within 20 s")
            let afterRetry = try await StoredState.load(database.workers)
            let lateEnded = late.filter { afterRetry.notifications[$0].map { StoredState.finalStatuses.contains($0.status) } ?? false }
            #expect(lateEnded.count == late.count, "late notifications ended final: \(lateEnded.count) of \(late.count)")

            // What was refused or cut off is sent again to the next gateway: then 200s and rows agree exactly.
            let resends = await resendUnanswered(report, to: next.port)
            let all = LoadReport.merged([whole] + resends)
            let stored = try await StoredState.load(database.workers)
            #expect(all.keysAnswered200 == all.keysSent)
            #expect(stored.receipts.count == all.keysAnswered200.count, "\(stored.receipts.count) rows for \(all.keysAnswered200.count) distinct bodies answered 200")
            let violations = stored.ruleViolations()
            #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")

            let acceptedBeforeSignal = failures.filter { $0.connectedAt.map { $0 < signalledAt } ?? false }
            let earliestSent = acceptedBeforeSignal.compactMap(\.sentAt).min().map { LoadRun.seconds(signalledAt - $0) * 1000 }
            let lateReceipts = afterRetry.receipts.filter { late.contains($0.notificationID ?? UUID()) }
            FaultFigures(
                scenario: "SIGTERM of a gateway under 300 receipts/s with 3 requests held in flight",
                report: whole,
                faults: "1 (SIGTERM after \(report.results.count { $0.finishedAt < signalledAt }) answers)",
                stored: before.receipts.count,
                lost: lost.count,
                notes: [
                    "held in flight at the signal: \(held.count), answered 200 applied: \(heldReport.count(status: 200))",
                    String(format: "exit status %@ after %.2f s", status.map(String.init) ?? "none", LoadRun.seconds(exitedAt - signalledAt)),
                    "closed unanswered: \(failures.count { $0.failure != .refused }), none stored (connected before the signal: \(acceptedBeforeSignal.count)"
                        + (earliestSent.map { String(format: ", the earliest written %.0f ms before it", $0) } ?? "") + "); refused at connect: \(failures.count { $0.failure == .refused })",
                    "waiting at the signal: \(waitingReceipts.count); settled by the next gateway: \(lateReceipts.count { $0.outcome == "applied" }) applied, \(lateReceipts.count { $0.outcome == "duplicate" }) duplicate (a pending that arrived after its final)",
                    "resent to the next gateway: \(resends.reduce(0) { $0 + $1.sent }), then distinct bodies answered 200 = rows = \(stored.receipts.count)",
                ]
            ).publish()
        }
    }
}

/// The gateway-fault tests rest on the load generator telling transport failures apart; this checks it does, on
/// sockets whose behaviour is certain.
@Suite("The load generator's transport failures")
struct LoadGeneratorFailureTests {
    @Test("refused, closed unanswered after the request, and silence are told apart", .timeLimit(.minutes(1)))
    func classifiesFailures() async throws {
        let request = ReceiptKind.delivered.firetext(UUID(), nonce: 1)

        // Nothing listens: refused at connect.
        let refused = await LoadGenerator(ports: [try FreePort.find()], concurrency: 1).send(request)
        #expect(refused.failure == .refused && refused.connectedAt == nil)

        // Accepted by the kernel, never answered: a timeout in the answer phase (the generator's bound).
        let silent = try BacklogListener()
        defer { silent.close() }
        let timedOut = await LoadGenerator(ports: [silent.port], concurrency: 1, timeout: .seconds(1)).send(request)
        #expect(timedOut.failure == .timedOut("answer") && timedOut.sentAt != nil)

        // Accepted, the whole request read, then closed without a byte of answer (as a stopping server closes a
        // connection it has not begun to serve): closed before any answer, with the request sent.
        let dropping = try BacklogListener()
        defer { dropping.close() }
        let sending = Task { await LoadGenerator(ports: [dropping.port], concurrency: 1).send(request) }
        let read = try await dropping.dropNextConnection(afterReading: Array(request.body.utf8), within: .seconds(20))
        let closed = await sending.value
        #expect(read, "the listener read the whole request")
        #expect(closed.failure == .closedBeforeAnswer(requestSent: true) && closed.sentAt != nil, "\(closed.failure.map(\.description) ?? "answered")")
    }
}

/// A listening socket on 127.0.0.1 whose connections wait in the backlog until taken. Close-on-exec, so that no
/// process another test starts meanwhile keeps it (or a connection) open; non-blocking, so that taking a
/// connection polls instead of blocking a cooperative thread.
private final class BacklogListener: @unchecked Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError("cannot open a socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 16) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(descriptor)
            throw TestSetupError("cannot listen on 127.0.0.1")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Takes the next connection, reads until what arrived ends with `ending`, and closes it without answering;
    /// returns whether `ending` arrived.
    func dropNextConnection(afterReading ending: [UInt8], within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        var connection: Int32 = -1
        while connection < 0 {
            connection = accept(descriptor, nil, nil)
            guard connection < 0 else {
                _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                _ = fcntl(connection, F_SETFL, fcntl(connection, F_GETFL, 0) | O_NONBLOCK)
                break
            }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        defer {
            // shutdown first: it ends the connection even if a process started meanwhile inherited a copy.
            shutdown(connection, Int32(SHUT_RDWR))
            Glibc.close(connection)
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !received.suffix(ending.count).elementsEqual(ending) {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[0..<count]
            } else if count == 0 || !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) || ContinuousClock.now >= deadline {
                return false
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        return true
    }

    func close() { Glibc.close(descriptor) }
}
