import CallbackCore
import CallbackServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("GET /admin/stats")
struct StatsRouteTests {
    static let token = "test-admin-token-0123456789abcdef"
    /// A Monday.
    static let monday = "2026-01-12T09:30:00Z"

    static func get(_ harness: Harness, _ query: String, clock: TestClock) async throws -> (HTTPResponse.Status, String) {
        try await harness.test(clock: clock) { client in
            try await client.execute(uri: "/admin/stats" + query, method: .get, headers: [.authorization: "Bearer \(Self.token)"]) {
                ($0.status, String(buffer: $0.body))
            }
        }
    }

    struct Report: Decodable {
        var limit_days: Int
        var from: String
        var to: String
        var days: [Day]
        struct Day: Decodable {
            var date: String
            var providers: [String: [String: Int]]
        }
    }

    @Test("on a Monday with limit_days=7: eight days from the previous Monday, every provider and outcome, zeros filled")
    func monday() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.token))
            try await database.insertReceipt(provider: .mmg, outcome: .applied, receivedAt: utc("2026-01-04T23:59:59Z"))  // the Sunday before: out
            try await database.insertReceipt(provider: .mmg, outcome: .applied, receivedAt: utc("2026-01-05T00:00:00Z"))
            try await database.insertReceipt(provider: .mmg, outcome: .applied, receivedAt: utc("2026-01-05T23:59:59Z"))
            try await database.insertReceipt(provider: .ses, outcome: .complaint, receivedAt: utc("2026-01-08T10:00:00Z"))
            try await database.insertReceipt(provider: .firetext, outcome: .waiting, receivedAt: utc("2026-01-12T23:59:59Z"))
            try await database.insertReceipt(provider: .firetext, outcome: .waiting, receivedAt: utc("2026-01-13T00:00:00Z"))  // tomorrow: out

            let (status, body) = try await Self.get(harness, "?limit_days=7", clock: try TestClock(Self.monday))
            #expect(status == .ok)
            let report = try JSONDecoder().decode(Report.self, from: Data(body.utf8))
            #expect(report.limit_days == 7)
            #expect(report.from == "2026-01-05")
            #expect(report.to == "2026-01-12")
            #expect(report.days.map(\.date) == ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09", "2026-01-10", "2026-01-11", "2026-01-12"])
            for day in report.days {
                #expect(Set(day.providers.keys) == Set(Provider.allCases.map(\.rawValue)))
                for counts in day.providers.values {
                    #expect(Set(counts.keys) == Set(ReceiptOutcome.allCases.map(\.rawValue)))
                }
            }
            #expect(report.days[0].providers["mmg"]?["applied"] == 2)
            #expect(report.days[3].providers["ses"]?["complaint"] == 1)
            #expect(report.days[7].providers["firetext"]?["waiting"] == 1)
            let total = report.days.flatMap { $0.providers.values.flatMap(\.values) }.reduce(0, +)
            #expect(total == 4)

            let (_, defaultBody) = try await Self.get(harness, "", clock: try TestClock(Self.monday))
            #expect(defaultBody == body, "limit_days defaults to 7")
        }
    }

    @Test("limit_days=0 is today only")
    func todayOnly() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.token))
            try await database.insertReceipt(provider: .mmg, receivedAt: utc("2026-01-12T00:00:00Z"))
            try await database.insertReceipt(provider: .mmg, receivedAt: utc("2026-01-11T23:59:59Z"))
            let (status, body) = try await Self.get(harness, "?limit_days=0", clock: try TestClock(Self.monday))
            #expect(status == .ok)
            let report = try JSONDecoder().decode(Report.self, from: Data(body.utf8))
            #expect(report.days.map(\.date) == ["2026-01-12"])
            #expect(report.days.first?.providers["mmg"]?["applied"] == 1)
        }
    }

    @Test("limit_days outside 0 to 31 or not a number is a 400 naming the range", arguments: ["-1", "32", "abc", "", "7.5"])
    func refused(value: String) async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.token))
            let (status, body) = try await Self.get(harness, "?limit_days=" + value, clock: try TestClock(Self.monday))
            #expect(status == .badRequest)
            let answer = try JSONDecoder().decode(Answer.self, from: Data(body.utf8))
            #expect(answer.result == "error")
            #expect(answer.message?.first?.contains("from 0 to 31") == true)
        }
    }

    @Test("without the admin token the statistics are refused")
    func guarded() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.token))
            let status = try await harness.test { client in
                try await client.execute(uri: "/admin/stats", method: .get) { $0.status }
            }
            #expect(status == .unauthorized)
        }
    }
}
