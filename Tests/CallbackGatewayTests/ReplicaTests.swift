import CallbackStore
import Foundation
import Testing
import TestSupport

@Suite("Replicas: three gateways on one database")
struct ReplicaTests {
    /// 1500 notifications in `sending` and 100 that do not exist yet; about 3800 receipts through three gateway
    /// processes at once: single finals, `pending` then a final, conflicting finals (delivered, permanent and
    /// temporary failure, unclassified failure) and `pending` alone, each possibly resent verbatim, the receipts
    /// of one notification spread over the three replicas and sent either side by side (racing) or scattered. The
    /// 100 missing notifications are created half-way, so their early receipts wait and the three retriers
    /// compete for them.
    @Test("three replicas, thousands of receipts with resends and conflicting finals: the rules hold, nothing lost", .timeLimit(.minutes(1)))
    func threeReplicas() async throws {
        try await TestDatabase.with { database in
            var generator = SeededGenerator(seed: 0x7E91_CA5E)
            let plan = ReplicaPlan(notifications: 1500, late: 100, replicas: 3, using: &generator)
            try await database.workers.insertNotifications(plan.present)

            async let first = RunningGateway.start(databaseURL: database.url)
            async let second = RunningGateway.start(databaseURL: database.url)
            async let third = RunningGateway.start(databaseURL: database.url)
            let gateways = try await [first, second, third]
            defer { for gateway in gateways { gateway.stop() } }

            let requests = plan.requests
            let run = LoadGenerator(ports: gateways.map(\.port), concurrency: 24).start { index in
                index < requests.count ? requests[index] : nil
            }
            let halfway = await run.waitUntil(timeout: .seconds(40)) { $0.completed >= requests.count / 2 }
            #expect(halfway, "half the receipts were answered within 40 s")
            try await database.workers.insertNotifications(plan.late)
            let report = await run.finish()

            // The late notifications' receipts that waited are applied by the replicas' retriers.
            try await database.workers.makeWaitingDue()
            var waiting = try await database.workers.waitingCount()
            let deadline = ContinuousClock.now + .seconds(15)
            while waiting > 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                waiting = try await database.workers.waitingCount()
            }
            #expect(waiting == 0, "every waiting receipt was settled by a retrier within 15 s")

            // Every receipt answered, and answered 200: no 500, no 503, no broken connection.
            #expect(report.sent == requests.count)
            let notOK = report.results.filter { !$0.isOK }
            #expect(notOK.isEmpty, "answers other than 200: \(notOK.prefix(5).map { "\($0.status.map(String.init) ?? $0.failure!.description) \($0.responseBody)" })")

            let stored = try await StoredState.load(database.workers)
            let storedByKey = stored.receiptsByKey
            // Every receipt answered 200 has its row, and an identical resend is stored once.
            let answered = report.keysAnswered200
            #expect(stored.receipts.count == answered.count, "\(stored.receipts.count) rows for \(answered.count) distinct bodies answered 200")
            #expect(stored.keys == answered)
            let lost = answered.subtracting(stored.keys).count

            // Each body was applied at most once, by the answer or by a retrier, and the mapping read every body as
            // the plan meant.
            let answersByKey = Dictionary(grouping: report.results, by: \.request.key)
            var misread: [String] = []
            var doubleApplied: [String] = []
            for (key, answers) in answersByKey {
                guard let row = storedByKey[key] else { continue }
                if row.mappedTarget != answers[0].request.expectedTarget { misread.append("\(key.body) -> \(row.mappedTarget ?? "-")") }
                let appliedAnswers = answers.count { $0.outcome == "applied" }
                let waited = answers.contains { $0.outcome == "waiting" }
                let expected = row.outcome == "applied" && !waited ? 1 : 0
                if appliedAnswers != expected { doubleApplied.append("\(key.body): \(appliedAnswers) applied answers, row \(row.outcome)") }
            }
            #expect(misread.isEmpty, "receipts mapped otherwise than planned: \(misread.prefix(5))")
            #expect(doubleApplied.isEmpty, "bodies whose applied answers disagree with their row: \(doubleApplied.prefix(5))")

            // Every change has exactly one history row and one applied receipt, by the rules.
            let violations = stored.ruleViolations()
            #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")

            // Per notification: changes == applied answers + receipts a retrier applied after answering `waiting`.
            let waitedKeys = Set(report.results.filter { $0.outcome == "waiting" }.map(\.request.key))
            let answersByNotification = Dictionary(grouping: report.results, by: { $0.request.notificationID! })
            var miscounted: [String] = []
            for id in plan.present + plan.late {
                guard let notification = stored.notifications[id] else {
                    miscounted.append("\(id): missing")
                    continue
                }
                let appliedAnswers = answersByNotification[id, default: []].count { $0.outcome == "applied" }
                let appliedByRetrier = notification.receipts.count { $0.outcome == "applied" && waitedKeys.contains($0.key) }
                if notification.version - 1 != appliedAnswers + appliedByRetrier {
                    miscounted.append("\(id): \(notification.version - 1) changes, \(appliedAnswers) applied answers + \(appliedByRetrier) by a retrier")
                }
            }
            #expect(miscounted.isEmpty, "\(miscounted.prefix(5))")
            let leftOver = stored.receipts.filter { !["applied", "duplicate"].contains($0.outcome) }
            #expect(leftOver.isEmpty, "receipts neither applied nor duplicate: \(leftOver.prefix(5).map(\.outcome))")

            // The conflicting finals really raced: distinct finals for one notification in flight at the same time
            // on different replicas.
            let raced = plan.conflicting.count { id in
                let finals = answersByNotification[id, default: []].filter { $0.request.expectedTarget != "pending" }
                return finals.contains { one in
                    finals.contains { other in
                        one.request.key != other.request.key && one.port != other.port
                            && one.startedAt < other.finishedAt && other.startedAt < one.finishedAt
                    }
                }
            }
            #expect(raced >= 50, "notifications whose conflicting finals were in flight together on different replicas: \(raced)")
            let finalsRefused = stored.receipts.count { $0.outcome == "duplicate" && StoredState.finalTargets.contains($0.mappedTarget ?? "") }
            let conflicting = plan.conflicting.count { stored.notifications[$0].map { StoredState.finalStatuses.contains($0.status) } ?? false }
            FaultFigures(
                scenario: "3 replicas on one database",
                report: report,
                faults: "none (concurrency: 3 gateway processes, 24 requests in flight, 100 notifications created mid-load)",
                stored: stored.receipts.count,
                lost: lost,
                notes: [
                    "distinct receipts: \(report.keysSent.count); verbatim resends: \(report.sent - report.keysSent.count)",
                    "notifications: \(plan.present.count + plan.late.count), of which \(plan.conflicting.count) got conflicting finals (\(raced) with two in flight at once on different replicas); \(conflicting) ended in exactly one final",
                    "answers applied: \(report.results.count { $0.outcome == "applied" }), duplicate: \(report.results.count { $0.outcome == "duplicate" }), waiting: \(report.results.count { $0.outcome == "waiting" }); applied later by retriers: \(stored.receipts.count { $0.outcome == "applied" && waitedKeys.contains($0.key) })",
                    "distinct final receipts refused because another final was first: \(finalsRefused)",
                    "history rows: \(stored.notifications.values.reduce(0) { $0 + $1.history.count }); rule violations: \(violations.count)",
                ]
            ).publish()
        }
    }
}

@Suite("The rule audit of the fault tests")
struct RuleAuditTests {
    private typealias Receipt = StoredState.Receipt

    private static func receipt(_ target: String, _ outcome: String, wrote status: String? = nil, version: Int? = nil, id: UUID) -> Receipt {
        Receipt(key: ReceiptKey(provider: "firetext", body: UUID().uuidString), notificationID: id, outcome: outcome,
                mappedTarget: target, statusWritten: status, historyVersion: version)
    }

    private static func state(_ history: [String], _ receipts: (UUID) -> [Receipt]) -> StoredState {
        let id = UUID()
        var notification = StoredState.Notification(status: history.last!, version: history.count)
        for (offset, status) in history.enumerated() { notification.history[offset + 1] = status }
        notification.receipts = receipts(id)
        return StoredState(receipts: notification.receipts, notifications: [id: notification])
    }

    @Test("it passes what the rules allow and finds each way of breaking them")
    func findsViolations() {
        let valid = Self.state(["sending", "pending", "temporary-failure"]) { id in
            [Self.receipt("pending", "applied", wrote: "pending", version: 2, id: id),
             Self.receipt("failure", "applied", wrote: "temporary-failure", version: 3, id: id),
             Self.receipt("delivered", "duplicate", id: id), Self.receipt("pending", "duplicate", id: id)]
        }
        #expect(valid.ruleViolations().isEmpty)
        #expect(Self.state(["sending"]) { _ in [] }.ruleViolations().isEmpty)

        let broken: [(String, StoredState)] = [
            ("a final changed twice", Self.state(["sending", "delivered", "permanent-failure"]) { id in
                [Self.receipt("delivered", "applied", wrote: "delivered", version: 2, id: id),
                 Self.receipt("permanent-failure", "applied", wrote: "permanent-failure", version: 3, id: id)]
            }),
            ("pending after a final", Self.state(["sending", "delivered", "pending"]) { id in
                [Self.receipt("delivered", "applied", wrote: "delivered", version: 2, id: id),
                 Self.receipt("pending", "applied", wrote: "pending", version: 3, id: id)]
            }),
            ("a change without its receipt", Self.state(["sending", "delivered"]) { id in
                [Self.receipt("delivered", "duplicate", id: id)]
            }),
            ("two receipts for one change", Self.state(["sending", "delivered"]) { id in
                [Self.receipt("delivered", "applied", wrote: "delivered", version: 2, id: id),
                 Self.receipt("delivered", "applied", wrote: "delivered", version: 2, id: id)]
            }),
            ("a history gap", {
                var state = Self.state(["sending", "pending", "delivered"]) { id in
                    [Self.receipt("pending", "applied", wrote: "pending", version: 2, id: id),
                     Self.receipt("delivered", "applied", wrote: "delivered", version: 3, id: id)]
                }
                let id = state.notifications.keys.first!
                state.notifications[id]!.history[2] = nil
                return state
            }()),
            ("an unclassified failure made temporary from sending", Self.state(["sending", "temporary-failure"]) { id in
                [Self.receipt("failure", "applied", wrote: "temporary-failure", version: 2, id: id)]
            }),
            ("a final receipt that left the notification in flight", Self.state(["sending"]) { id in
                [Self.receipt("delivered", "duplicate", id: id)]
            }),
            ("a status that is not the last history row", {
                var state = Self.state(["sending", "delivered"]) { id in
                    [Self.receipt("delivered", "applied", wrote: "delivered", version: 2, id: id)]
                }
                let id = state.notifications.keys.first!
                state.notifications[id]!.status = "pending"
                return state
            }()),
        ]
        for (name, state) in broken {
            #expect(!state.ruleViolations().isEmpty, "not found: \(name)")
        }
    }
}

/// The receipts of the replica scenario, planned up front from a seed.
struct ReplicaPlan {
    /// Notifications in `sending` before the load starts.
    var present: [UUID] = []
    /// Notifications created half-way through the load.
    var late: [UUID] = []
    /// Notifications sent more than one distinct final.
    var conflicting: [UUID] = []
    var requests: [LoadRequest] = []

    init(notifications: Int, late lateCount: Int, replicas: Int, using generator: inout SeededGenerator) {
        var nonce = 0
        var racing: [[LoadRequest]] = []
        var scattered: [LoadRequest] = []
        func receipts(for id: UUID, kinds: [ReceiptKind], mmg: Bool, resendChance: Double) -> [LoadRequest] {
            var group: [LoadRequest] = []
            for kind in kinds {
                nonce += 1
                let request = (mmg ? kind.mmg(id, nonce: nonce) : nil) ?? kind.firetext(id, nonce: nonce)
                group.append(request)
                if Double.random(in: 0..<1, using: &generator) < resendChance { group.append(request) }
            }
            // Spread over the replicas: neighbours in a group go to different gateways.
            let start = Int.random(in: 0..<replicas, using: &generator)
            return group.shuffled(using: &generator).enumerated().map { $0.element.sent(to: (start + $0.offset) % replicas) }
        }
        func distinctFinals(_ count: Int, mmg: Bool) -> [ReceiptKind] {
            let choices: [ReceiptKind] = mmg ? [.delivered, .permanentFailure, .temporaryFailure] : ReceiptKind.finals
            return Array(choices.shuffled(using: &generator).prefix(count))
        }

        for index in 0..<(notifications + lateCount) {
            let id = UUID()
            let isLate = index >= notifications
            if isLate { late.append(id) } else { present.append(id) }
            let mmg = !isLate && Double.random(in: 0..<1, using: &generator) < 0.4
            let roll = Double.random(in: 0..<1, using: &generator)
            var kinds: [ReceiptKind]
            switch roll {
            case ..<0.08 where !isLate:
                kinds = []
            case ..<0.28:
                kinds = distinctFinals(1, mmg: mmg)
            case ..<0.50:
                kinds = (mmg ? [] : [.pending]) + distinctFinals(1, mmg: mmg)
            case ..<0.90:
                kinds = (!mmg && roll < 0.7 ? [.pending] : []) + distinctFinals(Int.random(in: 2...3, using: &generator), mmg: mmg)
                conflicting.append(id)
            default:
                kinds = mmg ? distinctFinals(1, mmg: true) : Array(repeating: .pending, count: Int.random(in: 1...2, using: &generator))
            }
            let group = receipts(for: id, kinds: kinds, mmg: mmg, resendChance: 0.3)
            if isLate || Bool.random(using: &generator) { scattered += group } else { racing.append(group) }
        }
        // Racing groups go out side by side (the generator's threads take neighbouring requests together);
        // scattered receipts are spread over the whole run.
        requests = racing.shuffled(using: &generator).flatMap { $0 }
        for request in scattered {
            requests.insert(request, at: Int.random(in: 0...requests.count, using: &generator))
        }
    }
}
