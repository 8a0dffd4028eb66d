import CallbackCore
import Foundation
import Testing
import TestSupport

@Suite("callback-gateway replay")
struct ReplayCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures").path

    @Test("replaying fixtures/ onto seeded notifications: every answer as expected, and the summary matches the database")
    func wholeFolder() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database)
            defer { server.stop() }
            let output = try await Gateway.run(
                ["replay", "--seed", "--json", "--to", "http://127.0.0.1:\(server.port)", Self.fixtures],
                environment: ["DATABASE_URL": database.url]
            )
            #expect(output.status == 0, "\(output.standardError)")
            let summary = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
            #expect(summary?["expectation_mismatches"] as? Int == 0)
            #expect(summary?["unexpected_rejections"] as? Int == 0)
            let receipts = try #require(summary?["receipts"] as? [[String: Any]])
            let files = try FileManager.default.subpathsOfDirectory(atPath: Self.fixtures).filter { $0.hasSuffix(".receipt") }
            #expect(receipts.count == files.count)

            // A body answered 200 before is a resend: answered duplicate, stored once. A batch (SendGrid) stores one
            // row per event, which the summary does not count: each event of a batch answered 200 for the first
            // time is found in the database once, and its rows are set apart from those of the single receipts.
            let interpreter = ReceiptInterpreter(mappings: try DefaultMappings.table(), adapters: ReceiptInterpreter.standardAdapters)
            var seen = Set<String>()
            var resends = 0
            var answered: [String: Int] = [:]
            var batchRows: [String: Int] = [:]
            for receipt in receipts where receipt["http_status"] as? Int == 200 {
                let file = try #require(receipt["file"] as? String)
                let fixture = try ReceiptFixtureParser.parse(try String(contentsOfFile: file, encoding: .utf8), file: file)
                let isFirst = seen.insert(fixture.provider.rawValue + "\n" + fixture.body).inserted
                let outcome = receipt["outcome"] as? String
                if let outcome, ReceiptOutcome(rawValue: outcome) != nil {
                    answered[outcome, default: 0] += 1
                    if !isFirst { resends += 1 }
                } else if outcome == ReceiptFixture.Expectation.batch, isFirst,
                          case .batch(let events) = try interpreter.interpret(fixture.payload, from: fixture.provider) {
                    for event in events {
                        let text = switch event {
                        case .receipt(_, let text), .unreadable(let text, _): text
                        }
                        let rows = try await database.query(
                            "SELECT outcome FROM callback_receipts WHERE provider = $1 AND raw_body = $2", [fixture.provider.rawValue, text]
                        )
                        #expect(rows.rows.count == 1, "\(file): an event stored once")
                        for row in rows.rows { batchRows[row[0] ?? "", default: 0] += 1 }
                    }
                }
            }
            answered["duplicate", default: 0] -= resends
            let stored = try await database.query("SELECT outcome, count(*) AS n FROM callback_receipts GROUP BY outcome")
            var inDatabase: [String: Int] = [:]
            for row in stored.rows { inDatabase[row[0] ?? ""] = Int(row[1] ?? "") }
            #expect(answered.merging(batchRows, uniquingKeysWith: +).filter { $0.value != 0 } == inDatabase)
            let applied = try await database.query("SELECT count(*) AS n FROM notification_history WHERE version > 1")
            #expect(applied.value("n") == String((answered["applied"] ?? 0) + (batchRows["applied"] ?? 0)))
        }
    }

    @Test("--dry-run shows the Firetext 2-then-1 case from sending and from pending, with no server or database")
    func dryRun() async throws {
        let output = try await Gateway.run(
            ["replay", "--dry-run", Self.fixtures + "/firetext/03-pending-then-failed-1-of-2.receipt",
             Self.fixtures + "/firetext/04-pending-then-failed-2-of-2.receipt"],
            environment: ["DATABASE_URL": "postgresql://127.0.0.1:1/none"]
        )
        #expect(output.status == 0)
        let rows = output.standardOutput.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.first == ["file", "provider", "provider", "status", "target", "from", "sending", "from", "pending"])
        #expect(rows.dropFirst().map { Array($0.dropFirst()) } == [
            ["firetext", "2", "pending", "pending", "duplicate"],
            ["firetext", "1", "failure", "permanent-failure", "temporary-failure"],
        ])
    }

    @Test("--concurrency sends several at once and --rate holds the pace; answers still come back in file order")
    func concurrencyAndRate() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database)
            defer { server.stop() }
            let started = ContinuousClock.now
            let output = try await Gateway.run(
                ["replay", "--seed", "--json", "--concurrency", "8", "--rate", "20", "--to", "http://127.0.0.1:\(server.port)",
                 Self.fixtures + "/firetext"],
                environment: ["DATABASE_URL": database.url]
            )
            let elapsed = ContinuousClock.now - started
            #expect(output.status == 0, "\(output.standardError)")
            let summary = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
            let files = try #require(summary?["receipts"] as? [[String: Any]]).compactMap { $0["file"] as? String }
            let onDisk = try FileManager.default.subpathsOfDirectory(atPath: Self.fixtures + "/firetext").filter { $0.hasSuffix(".receipt") }
            #expect(files.count == onDisk.count)
            #expect(files == files.sorted())
            // n receipts at 20 per second cannot take less than (n - 1) / 20 seconds.
            #expect(elapsed >= .milliseconds((onDisk.count - 1) * 50))
        }
    }

    @Test("a receipt rejected without an expect: line makes the exit status 1; an unreachable gateway 2")
    func exitCodes() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database)
            defer { server.stop() }
            let folder = NSTemporaryDirectory() + "cbgw-replay-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try "provider: firetext\ncontent-type: application/x-www-form-urlencoded\n\nstatus=0\n"
                .write(toFile: folder + "/bad.receipt", atomically: true, encoding: .utf8)
            let rejected = try await Gateway.run(["replay", "--to", "http://127.0.0.1:\(server.port)", folder], environment: [:])
            #expect(rejected.status == 1)
            #expect(rejected.standardOutput.contains("rejected without an expect: line"))

            let unreachable = try await Gateway.run(["replay", "--to", "http://127.0.0.1:\(try FreePort.find())", folder], environment: [:])
            #expect(unreachable.status == 2)
            #expect(unreachable.standardError.contains("cannot reach the gateway at http://127.0.0.1:"))
            #expect(unreachable.standardError.contains("start it with scripts/run"))
        }
    }

    @Test("after the mapping learns an unmapped status, replay --from-db unmapped applies the stored receipts")
    func redriveUnmapped() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending)
            let server = try await RunningGateway.start(database: database)
            defer { server.stop() }
            let body = #"{"reference":"mmg-1","CID":"\#(id.uuidString)","MSISDN":"447700900123","status":99,"substatus":1}"#
            let (status, answer) = try await server.post("/notifications/sms/mmg", body, contentType: "application/json")
            #expect(status == 200)
            #expect(answer.contains(#""outcome":"unmapped""#))

            let mappings = try TemporaryFile(contents: "mmg 3 -> delivered\nmmg 99 -> permanent-failure\n")
            let output = try await Gateway.run(["replay", "--from-db", "unmapped", "--provider", "mmg", "--mappings", mappings.path, "--json"],
                                              environment: ["DATABASE_URL": database.url])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardOutput.contains(#""now" : "applied""#))
            #expect(output.standardOutput.contains(#""redriven" : 1"#))
            #expect(try await database.notification(id)?.status == .permanentFailure)
            #expect(try await database.receiptOutcomes(id) == ["applied"])
            let listed = try await Gateway.run(["unmapped"], environment: ["DATABASE_URL": database.url])
            #expect(listed.standardOutput == "no unmapped statuses\n")
        }
    }
}
