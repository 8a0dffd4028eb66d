import CallbackStore
import Foundation
import Synchronization
import Testing
import TestSupport

// What the replica, database-fault and gateway-fault tests share: starting gateways on any database, seeding
// notifications in bulk, reading back what was stored, checking it against the rules, and printing the figures.

extension RunningGateway {
    /// A gateway process on a free port, on any database (a ``DisposableCluster`` as well as a ``TestDatabase``).
    static func start(databaseURL: String, environment: [String: String] = [:]) async throws -> RunningGateway {
        let port = try FreePort.find()
        var env = environment
        env["DATABASE_URL"] = databaseURL
        env["JOBS"] = env["JOBS"] ?? "off"  // as in start(database:): receipts only, whatever the date
        env["PORT"] = String(port)
        env["HOST"] = "127.0.0.1"
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let process = try Command.start(try Gateway.executable, ["serve"], environment: env)
        let gateway = RunningGateway(process: process, port: port)
        // Three replicas starting at once on two cores, each migrating under the advisory lock, take a while.
        for _ in 0..<300 {
            if (try? await gateway.get("/_status"))?.0 == 200 { return gateway }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.signal(SIGKILL)
        throw TestSetupError("the gateway did not answer /_status within 30 s: \(process.standardError)")
    }

    /// Waits for the process to exit, at most `limit`; `nil` when it is still running then.
    func exitStatus(within limit: Duration) async -> Int32? {
        let status = Mutex<Int32?>(nil)
        let process = process
        Task { let code = await process.exit(); status.withLock { $0 = code } }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let code = status.withLock({ $0 }) { return code }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return status.withLock { $0 }
    }
}

extension DatabaseWorkers {
    /// Runs one statement with parameters and returns its rows.
    @discardableResult
    func sql(_ sql: String, _ parameters: [String?] = []) async throws -> QueryResult {
        let statement = PreparedStatement(name: "fault_\(UInt(bitPattern: sql.hashValue))", sql: sql)
        return try await run { connection throws(DatabaseError) in try connection.query(statement, parameters) }
    }

    /// Inserts notifications the way the platform's sender does (each with its first history row), in one
    /// statement.
    func insertNotifications(_ ids: [UUID], status: String = "sending") async throws {
        guard !ids.isEmpty else { return }
        try await sql("""
            WITH inserted AS (
                INSERT INTO notifications (id, notification_type, status, sent_at, created_at)
                SELECT id, 'sms', $2::text, now(), now() FROM unnest($1::uuid[]) AS id
                RETURNING id, service_id, notification_type, key_type, status, reference, billable_units,
                          character_count, created_at, sent_at, sent_by, updated_at, updated_by, version
            )
            INSERT INTO notification_history (
                id, service_id, notification_type, key_type, status, reference, billable_units, character_count,
                created_at, sent_at, sent_by, updated_at, updated_by, version
            )
            SELECT * FROM inserted
            """, ["{" + ids.map { $0.uuidString.lowercased() }.joined(separator: ",") + "}", status])
    }

    /// How many receipts are still `waiting`.
    func waitingCount() async throws -> Int {
        Int(try await sql("SELECT count(*) AS n FROM callback_receipts WHERE outcome = 'waiting'").value("n") ?? "") ?? -1
    }

    /// Makes every waiting receipt due now rather than at its back-off.
    func makeWaitingDue() async throws {
        // Rows a retrier holds are skipped (it is settling them): waiting for them while it waits for one of these
        // would be a deadlock.
        try await sql("""
            UPDATE callback_receipts SET next_attempt_at = now() - interval '1 second'
             WHERE id IN (SELECT id FROM callback_receipts WHERE outcome = 'waiting' ORDER BY id FOR UPDATE SKIP LOCKED)
            """)
    }
}

/// What `callback_receipts`, `notifications` and `notification_history` hold after a scenario.
struct StoredState {
    struct Receipt {
        var key: ReceiptKey
        var notificationID: UUID?
        var outcome: String
        var mappedTarget: String?
        var statusWritten: String?
        var historyVersion: Int?
    }

    struct Notification {
        var status: String
        var version: Int
        /// Status by version.
        var history: [Int: String] = [:]
        var receipts: [Receipt] = []
    }

    var receipts: [Receipt]
    var notifications: [UUID: Notification]

    var keys: Set<ReceiptKey> { Set(receipts.map(\.key)) }
    var receiptsByKey: [ReceiptKey: Receipt] { Dictionary(receipts.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first }) }

    static func load(_ workers: DatabaseWorkers) async throws -> StoredState {
        let receiptRows = try await workers.sql("""
            SELECT provider, raw_body, notification_id, outcome, mapped_target, status_written, history_version
              FROM callback_receipts ORDER BY id
            """)
        let receipts = receiptRows.rows.map { row in
            Receipt(
                key: ReceiptKey(provider: row[0] ?? "", body: row[1] ?? ""),
                notificationID: row[2].flatMap(UUID.init(uuidString:)),
                outcome: row[3] ?? "",
                mappedTarget: row[4],
                statusWritten: row[5],
                historyVersion: row[6].flatMap { Int($0) }
            )
        }
        var notifications: [UUID: Notification] = [:]
        for row in try await workers.sql("SELECT id, status, version FROM notifications").rows {
            guard let id = row[0].flatMap(UUID.init(uuidString:)) else { continue }
            notifications[id] = Notification(status: row[1] ?? "", version: Int(row[2] ?? "") ?? -1)
        }
        for row in try await workers.sql("SELECT id, version, status FROM notification_history").rows {
            guard let id = row[0].flatMap(UUID.init(uuidString:)), let version = Int(row[1] ?? "") else { continue }
            notifications[id, default: Notification(status: "<no notification>", version: -1)].history[version] = row[2] ?? ""
        }
        for receipt in receipts {
            if let id = receipt.notificationID { notifications[id]?.receipts.append(receipt) }
        }
        return StoredState(receipts: receipts, notifications: notifications)
    }

    /// Every way the stored state breaks the rules (README "The rules"), at most `limit` of them:
    /// - a notification's history is versions 1...version without a gap, and its last row is its status;
    /// - each change has exactly one history row and exactly one `applied` receipt naming that version, whose
    ///   `status_written` is that row's status;
    /// - each change is the one the rules give for the receipt's target from the status before it, so `pending`
    ///   comes only before a final, and a final never changes;
    /// - a notification ends final when a final receipt of it was applied or found it final, `pending` when only
    ///   `pending` ones were, and untouched when none was (receipts still `waiting` aside).
    func ruleViolations(limit: Int = 20) -> [String] {
        var problems: [String] = []
        for (id, notification) in notifications.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            guard problems.count < limit else { break }
            let name = id.uuidString.lowercased()
            let versions = notification.history.keys.sorted()
            if versions != Array(1...max(notification.version, 1)) {
                problems.append("\(name): history versions \(versions), notification version \(notification.version)")
                continue
            }
            if notification.history[notification.version] != notification.status {
                problems.append("\(name): status \(notification.status) but last history row \(notification.history[notification.version] ?? "-")")
            }
            let applied = notification.receipts.filter { $0.outcome == "applied" }
            let appliedVersions = applied.compactMap(\.historyVersion).sorted()
            if appliedVersions != Array(2..<(notification.version + 1)) || applied.count != appliedVersions.count {
                problems.append("\(name): applied receipts name versions \(appliedVersions) for \(notification.version - 1) changes")
                continue
            }
            for receipt in notification.receipts where receipt.outcome != "applied" && receipt.historyVersion != nil {
                problems.append("\(name): a \(receipt.outcome) receipt names history version \(receipt.historyVersion!)")
            }
            for receipt in applied {
                let version = receipt.historyVersion!
                let before = notification.history[version - 1] ?? "-"
                let expected = receipt.mappedTarget.flatMap { Self.written(target: $0, from: before) }
                if receipt.statusWritten != notification.history[version] || expected != receipt.statusWritten {
                    problems.append("\(name): version \(version) \(before) -> \(notification.history[version] ?? "-") by a \(receipt.mappedTarget ?? "-") receipt that wrote \(receipt.statusWritten ?? "-"); the rules write \(expected ?? "nothing")")
                }
            }
            let settled = notification.receipts.filter { $0.outcome != "waiting" && $0.outcome != "orphaned" }
            let targets = Set(settled.compactMap(\.mappedTarget))
            let ending: String
            if !targets.intersection(Self.finalTargets).isEmpty {
                ending = Self.finalStatuses.contains(notification.status) ? "" : "a final"
            } else if targets.contains("pending") {
                ending = notification.status == "pending" ? "" : "pending"
            } else {
                ending = notification.version == 1 ? "" : "untouched"
            }
            if !ending.isEmpty, notification.history[1] == "sending" {
                problems.append("\(name): ends \(notification.status) after receipts \(targets.sorted()); the rules end it \(ending)")
            }
        }
        return problems
    }

    static let finalTargets: Set<String> = ["delivered", "permanent-failure", "temporary-failure", "technical-failure", "failure"]
    static let finalStatuses: Set<String> = ["delivered", "permanent-failure", "temporary-failure", "technical-failure"]

    /// The status the rules write for a receipt of `target` on a notification in `current`; `nil` for none.
    static func written(target: String, from current: String) -> String? {
        switch (current, target) {
        case ("sending", "failure"): "permanent-failure"
        case ("pending", "failure"): "temporary-failure"
        case ("pending", "pending"): nil
        case ("sending", _), ("pending", _): ["delivered", "pending", "temporary-failure", "permanent-failure", "technical-failure"].contains(target) ? target : nil
        default: nil
        }
    }
}

/// The figures of one scenario, for docs/reliability.md ("Nothing lost").
struct FaultFigures: CustomStringConvertible {
    var scenario: String
    var report: LoadReport
    var faults: String
    var stored: Int
    var lost: Int
    var notes: [String] = []

    var description: String {
        var lines = [
            "[fault figures] \(scenario)",
            "  requests sent: \(report.sent); faults injected: \(faults)",
            "  200: \(report.count(status: 200)); 503: \(report.count(status: 503)); other statuses: \(report.otherStatuses.isEmpty ? "none" : "\(report.otherStatuses)")",
            "  transport errors: \(report.transportFailures.count)"
                + (report.failureCounts.isEmpty ? "" : " (" + report.failureCounts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"),
            "  receipts stored: \(stored); receipts lost: \(lost)",
        ]
        lines += notes.map { "  \($0)" }
        return lines.joined(separator: "\n")
    }

    /// Prints the figures (they appear in `swift test`'s output) and records them as a passing expectation.
    func publish() {
        print(description)
        #expect(lost == 0, "\(description)")
    }
}

/// Sends every receipt of `report` that no gateway answered 200 again, as a provider does after a 503 or a broken
/// connection, until each is answered 200 (at most `rounds` times); returns the resends' reports.
func resendUnanswered(_ report: LoadReport, to port: Int, rounds: Int = 5) async -> [LoadReport] {
    var answered = report.keysAnswered200
    var pending = uniqueRequests(report.results.map(\.request)).filter { !answered.contains($0.key) }
    var reports: [LoadReport] = []
    for _ in 0..<rounds where !pending.isEmpty {
        let resent = await LoadGenerator(ports: [port], concurrency: 8).run(pending.map { $0.sent(to: 0) })
        reports.append(resent)
        answered.formUnion(resent.keysAnswered200)
        pending = pending.filter { !answered.contains($0.key) }
        if !pending.isEmpty { try? await Task.sleep(for: .milliseconds(500)) }
    }
    return reports
}

/// One request per distinct receipt, the first of each.
func uniqueRequests(_ requests: [LoadRequest]) -> [LoadRequest] {
    var seen: Set<ReceiptKey> = []
    return requests.filter { seen.insert($0.key).inserted }
}

/// Receipts of every kind the load mixes, by the target the default mapping gives them.
enum ReceiptKind: CaseIterable {
    case delivered, pending, permanentFailure, temporaryFailure, unclassifiedFailure

    var target: String {
        switch self {
        case .delivered: "delivered"
        case .pending: "pending"
        case .permanentFailure: "permanent-failure"
        case .temporaryFailure: "temporary-failure"
        case .unclassifiedFailure: "failure"
        }
    }

    static let finals: [ReceiptKind] = [.delivered, .permanentFailure, .temporaryFailure, .unclassifiedFailure]

    /// A Firetext receipt of this kind (every kind has one).
    func firetext(_ id: UUID, nonce: Int, target: Int = 0) -> LoadRequest {
        let (status, code): (String, String?) = switch self {
        case .delivered: ("0", nil)
        case .pending: ("2", nil)
        case .permanentFailure: ("1", ["101", "201", "301", "401"][nonce % 4])
        case .temporaryFailure: ("1", ["000", "102", "103", "104", "302", "900"][nonce % 6])
        case .unclassifiedFailure: ("1", nil)
        }
        return ReceiptBodies.firetext(id, status: status, code: code, nonce: nonce, target: target, expectedTarget: self.target)
    }

    /// An MMG receipt of this kind; MMG has neither `pending` nor an unclassified failure.
    func mmg(_ id: UUID, nonce: Int, target: Int = 0) -> LoadRequest? {
        let status: Int
        switch self {
        case .delivered: status = 3
        case .permanentFailure: status = nonce % 2 == 0 ? 2 : 5
        case .temporaryFailure: status = 4
        case .pending, .unclassifiedFailure: return nil
        }
        return ReceiptBodies.mmg(id, status: status, substatus: nonce % 7, quoted: nonce % 3 == 0, nonce: nonce, target: target, expectedTarget: self.target)
    }
}

/// A simple open-ended load on `ids`: receipt `index` is about notification `index % ids.count`, of a kind that
/// cycles through pending and the finals, alternating Firetext and MMG; every seventh is a verbatim resend of the
/// receipt three before it. Deterministic by index, so that it can be called from the generator's lock.
func steadyReceipt(_ index: Int, ids: [UUID], targets: Int = 1) -> LoadRequest {
    if index % 7 == 6 { return steadyReceipt(index - 3, ids: ids, targets: targets).sent(to: index % targets) }
    let id = ids[index % ids.count]
    let kinds: [ReceiptKind] = [.pending, .delivered, .temporaryFailure, .permanentFailure, .unclassifiedFailure]
    let kind = kinds[(index / ids.count + index) % kinds.count]
    let nonce = 1_000_000 + index
    if index % 2 == 1, let mmg = kind.mmg(id, nonce: nonce, target: index % targets) { return mmg }
    return kind.firetext(id, nonce: nonce, target: index % targets)
}
