import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

/// The receipts in `fixtures/`, replayed in file order through the router onto freshly seeded notifications: every
/// `expect:` line must hold, so the fixtures and the gateway's behaviour cannot drift apart.
@Suite("Fixture receipts")
struct FixtureTests {
    @Test("every expect: line holds when the fixtures are replayed in order, and the database agrees")
    func replay() async throws {
        let receipts = try FixtureSet.receipts()
        let notifications = try FixtureSet.notifications()
        try await TestDatabase.with { database in
            let replies = try await FixtureSet.replay(receipts, on: database)
            for (item, reply) in zip(receipts, replies) {
                let expected = try #require(item.fixture.expectation, "\(item.path) has no expect: line")
                #expect(reply.status == expected.httpStatus, "\(item.path): \(String(describing: reply.answer))")
                if expected.httpStatus == 200 {
                    #expect(reply.answer?.result == "success", "\(item.path)")
                } else {
                    #expect(reply.answer?.result == "error" && reply.answer?.message?.isEmpty == false, "\(item.path)")
                }
                if let outcome = expected.outcome {
                    #expect(reply.answer?.outcome == outcome, "\(item.path)")
                    #expect(reply.answer?.status == expected.statusWritten, "\(item.path): status written")
                }
            }

            // One receipt row per stored answer: a resend (same provider and body as an earlier fixture answered 200)
            // and an SNS control message store nothing, and a refusal or a 400 stores nothing. A batch stores one row
            // per event, as its answer counts them; a batch sent again meets only events stored before, so nothing.
            var bodies: Set<String> = []
            var stored: [String: Int] = [:]
            var applied = 0
            for (item, reply) in zip(receipts, replies) where reply.status == 200 {
                let outcomes = FixtureSet.storedOutcomes(of: reply)
                applied += outcomes["applied"] ?? 0
                if bodies.insert(item.fixture.provider.rawValue + "\n" + item.fixture.body).inserted {
                    stored.merge(outcomes, uniquingKeysWith: +)
                }
            }
            #expect(try await database.count("callback_receipts") == stored.values.reduce(0, +))
            let rows = try await database.query("SELECT outcome, count(*) AS n FROM callback_receipts GROUP BY outcome")
            #expect(Dictionary(uniqueKeysWithValues: rows.rows.map { ($0[0] ?? "", Int($0[1] ?? "") ?? -1) }) == stored.filter { $0.value > 0 })

            // Every applied answer (or applied event of a batch) wrote exactly one history row on top of the seeded
            // one, and every complaint stored recorded one complaint (a complaint about a notification not there
            // yet waits instead, and is stored as waiting).
            #expect(try await database.count("notification_history") == notifications.count + applied)
            #expect(try await database.count("complaints") == stored["complaint", default: 0])

            // Firetext 2 then 1 (firetext/03-04): pending, then temporary-failure, history versions 1, 2, 3.
            let sequence = try #require(UUID(uuidString: "1f000000-0000-4000-8000-000000000103"))
            #expect(try await database.notification(sequence)?.status == .temporaryFailure)
            let history = try await database.history(sequence)
            #expect(history.map(\.version) == [1, 2, 3])
            #expect(history.map(\.status) == ["sending", "pending", "temporary-failure"])

            // The notifications the malformed receipts and the forged SNS messages (ses/11-13) name are untouched.
            for id in ["1f000000-0000-4000-8000-000000000401", "1f000000-0000-4000-8000-000000000308"] {
                let untouched = try #require(UUID(uuidString: id))
                #expect(try await database.notification(untouched)?.status == .sending, "\(id)")
                #expect(try await database.history(untouched).count == 1, "\(id)")
                #expect(try await database.receiptOutcomes(untouched).isEmpty, "\(id)")
            }

            // Nor do those of the refused Postmark, Mailgun, Twilio and SendGrid requests (credentials, signatures,
            // timestamps): postmark/40-42, mailgun/22-24, twilio/40-42, sendgrid/20-22.
            for id in ["540", "640", "740", "840"].map({ "1f000000-0000-4000-8000-000000000" + $0 }) {
                let untouched = try #require(UUID(uuidString: id))
                #expect(try await database.notification(untouched)?.status == .sending, "\(id)")
                #expect(try await database.history(untouched).count == 1, "\(id)")
                #expect(try await database.receiptOutcomes(untouched).isEmpty, "\(id)")
            }

            // Twilio queued, sending, sent, delivered (twilio/01-04): one change to pending, one to delivered.
            let twilio = try #require(UUID(uuidString: "1f000000-0000-4000-8000-000000000701"))
            #expect(try await database.history(twilio).map(\.status) == ["sending", "pending", "delivered"])
            // A SendGrid batch applies its events in order (sendgrid/01: processed, then delivered).
            let batch = try #require(UUID(uuidString: "1f000000-0000-4000-8000-000000000801"))
            #expect(try await database.history(batch).map(\.status) == ["sending", "pending", "delivered"])
        }
    }

    @Test("seeding again and replaying again gives the same answers and the same rows")
    func replayTwice() async throws {
        let receipts = try FixtureSet.receipts()
        try await TestDatabase.with { database in
            let first = try await FixtureSet.replay(receipts, on: database)
            let counts = [try await database.count("callback_receipts"), try await database.count("notification_history")]
            let second = try await FixtureSet.replay(receipts, on: database)
            #expect(second == first)
            #expect([try await database.count("callback_receipts"), try await database.count("notification_history")] == counts)
        }
    }

    @Test("every row of the default mapping is used by at least one fixture")
    func mappingCoverage() throws {
        let table = try DefaultMappings.table()
        let missing = try FixtureSet.uncoveredKeys(of: table)
        #expect(missing.isEmpty, "no fixture for: \(missing.map { "\($0.provider) \($0.rawStatus) \($0.detailCode ?? "")" })")
    }

    @Test("a mapping row without a fixture is reported")
    func coverageNoticesNewRows() throws {
        let extra = MappingEntry(key: MappingKey(provider: .mmg, rawStatus: "6"), target: .delivered)
        let table = try MappingTable(entries: try DefaultMappings.table().entries + [extra])
        #expect(try FixtureSet.uncoveredKeys(of: table) == [extra.key])
    }

    @Test("notifications.json: unique ids, each with a note, each used by a fixture")
    func notificationsFile() throws {
        let notifications = try FixtureSet.notifications()
        let bodies = try FixtureSet.receipts().map(\.fixture.body)
        #expect(Set(notifications.map(\.id)).count == notifications.count)
        for notification in notifications {
            // A fixture finds it by our id (Firetext, MMG, and email providers' metadata) or by the provider's
            // reference (SES, Twilio, and email providers sent without our id).
            let keys = [notification.id.uuidString.lowercased()] + (notification.reference.map { [$0] } ?? [])
            #expect(notification.note?.isEmpty == false, "\(notification.id) has a note")
            #expect(bodies.contains { body in keys.contains { body.contains($0) } }, "\(notification.id) is used by a fixture")
            #expect(["sms", "email"].contains(notification.notificationType), "\(notification.id): notification_type")
        }
    }
}

/// The fixture files and how the tests replay them.
enum FixtureSet {
    /// A fixture and its path relative to the package root (`fixtures/firetext/01-status-0-delivered.receipt`).
    struct Item: Sendable {
        var path: String
        var fixture: ReceiptFixture
    }

    /// What the gateway answered one fixture.
    struct Reply: Sendable, Equatable {
        var status: Int
        var answer: Answer?
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `.receipt` file under `fixtures/`, parsed, in replay order (sorted by path).
    static func receipts() throws -> [Item] {
        let folder = root.appendingPathComponent("fixtures")
        let enumerator = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil))
        let rootPath = root.standardizedFileURL.path + "/"
        return try enumerator.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "receipt" }
            .map { url in
                let path = String(url.standardizedFileURL.path.dropFirst(rootPath.count))
                return Item(path: path, fixture: try ReceiptFixtureParser.parse(try String(contentsOf: url, encoding: .utf8), file: path))
            }
            .sorted { $0.path < $1.path }
    }

    /// `fixtures/notifications.json`.
    static func notifications() throws -> [FixtureNotification] {
        try FixtureNotification.decodeList(Data(contentsOf: root.appendingPathComponent("fixtures/notifications.json")))
    }

    /// Seeds the fixture notifications, then posts every receipt in order through the router.
    static func replay(_ receipts: [Item], on database: TestDatabase) async throws -> [Reply] {
        try await FixtureSeeder(workers: database.workers).seed(try notifications(), receipts: receipts.map(\.fixture))
        let fixtures = receipts.map(\.fixture)
        return try await Harness(database: database).test { client in
            var replies: [Reply] = []
            for fixture in fixtures {
                var headers = HTTPFields()
                for header in fixture.headers {
                    headers.append(HTTPField(name: try #require(HTTPField.Name(header.name)), value: header.value))
                }
                let (status, answer) = try await client.post(CallbackRoutes.path(for: fixture.provider), fixture.body, contentType: fixture.contentType, headers: headers)
                replies.append(Reply(status: status.code, answer: answer))
            }
            return replies
        }
    }


    /// The rows an answer stored, by outcome: one for a receipt, one per event for a batch (its `outcomes`), none
    /// for anything else (an SNS control message). A resend stores nothing, which the caller decides.
    static func storedOutcomes(of reply: Reply) -> [String: Int] {
        guard reply.status == 200, let outcome = reply.answer?.outcome else { return [:] }
        if ReceiptOutcome(rawValue: outcome) != nil { return [outcome: 1] }
        if outcome == ReceiptFixture.Expectation.batch { return reply.answer?.outcomes ?? [:] }
        return [:]
    }

    /// The keys of `table` that no fixture's receipt is mapped by. A receipt (or an event of a batch) is mapped by
    /// the line of its status and detail code when the table has one, else by its status's own line (the table's
    /// fallback).
    static func uncoveredKeys(of table: MappingTable) throws -> [MappingKey] {
        let interpreter = ReceiptInterpreter(mappings: table, adapters: ReceiptInterpreter.standardAdapters)
        let keys = Set(table.entries.map(\.key))
        var used: Set<MappingKey> = []
        for item in try receipts() {
            let mappedReceipts: [MappedReceipt] = switch try? interpreter.interpret(item.fixture.payload, from: item.fixture.provider) {
            case .receipt(let mapped)?: [mapped]
            case .batch(let events)?: events.compactMap { if case .receipt(let mapped, _) = $0 { mapped } else { nil } }
            default: []
            }
            for mapped in mappedReceipts where mapped.mapping.target != nil {
                let receipt = mapped.receipt
                let exact = MappingKey(provider: receipt.provider, rawStatus: receipt.rawStatus, detailCode: receipt.detailCode)
                used.insert(keys.contains(exact) ? exact : MappingKey(provider: receipt.provider, rawStatus: receipt.rawStatus))
            }
        }
        return table.entries.map(\.key).filter { !used.contains($0) }
    }
}
