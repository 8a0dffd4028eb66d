import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport

/// The documented metric names, read as real UDP datagrams from a listener standing in for StatsD.
@Suite("StatsD metrics on the wire")
struct MetricsTests {
    /// The gateway's router with StatsD pointed at a test listener.
    struct Metered {
        let harness: Harness
        let client: StatsDClient
        let metrics: GatewayMetrics

        init(database: TestDatabase, port: Int, prefix: String = "notifications.api") throws {
            self.init(harness: try Harness(database: database), port: port, prefix: prefix)
        }

        init(harness: Harness, port: Int, prefix: String = "notifications.api") {
            self.harness = harness
            client = StatsDClient(configuration: StatsDConfiguration(host: "127.0.0.1", port: port, prefix: prefix), logger: harness.logs.logger())
            metrics = GatewayMetrics(factory: StatsDMetricsFactory(client: client))
        }

        func test<T>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
            let store = MeasuredReceiptStore(harness.database.store, metrics: metrics)
            let router = buildRouter(
                configuration: harness.configuration, store: store, apiKeys: PostgresAPIKeys(workers: harness.database.workers),
                interpreter: harness.interpreter, metrics: metrics
            )
            let value = try await Application(router: router, logger: harness.logs.logger()).test(.router, body)
            client.flush()
            return value
        }

        var retrier: WaitingReceiptRetrier {
            WaitingReceiptRetrier(store: MeasuredReceiptStore(harness.database.store, metrics: metrics), interpreter: harness.interpreter,
                                  configuration: harness.configuration, logger: harness.logs.logger(), metrics: metrics)
        }
    }

    struct Route: Sendable, CustomTestStringConvertible {
        var provider: Provider
        var endpoint: String
        var dao: String
        var testDescription: String { provider.rawValue }
    }

    static let routes = [
        Route(provider: .firetext, endpoint: "POST.sms_callback.process_firetext_response.200", dao: "dao.update_notification_status_by_id"),
        Route(provider: .mmg, endpoint: "POST.sms_callback.process_mmg_response.200", dao: "dao.update_notification_status_by_id"),
        Route(provider: .ses, endpoint: "POST.ses_callback.process_ses_response.200", dao: "dao.update_notification_status_by_reference"),
    ]

    static func send(_ provider: Provider, id: UUID, reference: String, status: String, client: any TestClientProtocol) async throws -> Answer? {
        switch provider {
        case .firetext: try await client.firetext(Bodies.firetext(reference: id.uuidString, status: status)).1
        case .mmg: try await client.mmg(Bodies.mmg(cid: id.uuidString, status: status)).1
        case .ses: try await client.ses(Bodies.ses(status, messageID: reference)).1
        default: throw TestSetupError("no request for \(provider) in this test")
        }
    }

    static let delivered: [Provider: String] = [.firetext: "0", .mmg: "3", .ses: "Delivery"]

    /// The value of a line `name:value|type` whose name and type match, if any.
    static func value(of name: String, type: String, in lines: [String]) -> Double? {
        lines.lazy.compactMap { line -> Double? in
            guard line.hasPrefix(name + ":"), line.hasSuffix("|" + type) else { return nil }
            return Double(line.dropFirst(name.count + 1).dropLast(type.count + 1))
        }.first
    }

    @Test("a delivered receipt: its status, elapsed time, request and dao metrics", arguments: routes)
    func applied(route: Route) async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let metered = try Metered(database: database, port: listener.port)
                let reference = "ref-\(UUID())"
                let id = try await database.insertNotification(
                    status: .sending, type: route.provider == .ses ? "email" : "sms", reference: reference,
                    sentAt: Date().addingTimeInterval(-90))
                let answer = try await metered.test { client in
                    try await Self.send(route.provider, id: id, reference: reference, status: Self.delivered[route.provider] ?? "", client: client)
                }
                #expect(answer?.status == "delivered")
                let prefix = "notifications.api."
                let status = prefix + "callback.\(route.provider.rawValue).delivered"
                let lines = await listener.lines(waitingUpTo: .seconds(20)) { lines in
                    [status + ":1|c", prefix + route.endpoint + ":1|c", prefix + route.dao + ":1|c"].allSatisfy(lines.contains)
                        && Self.value(of: status + ".elapsed-time", type: "ms", in: lines) != nil
                }
                #expect(lines.contains(status + ":1|c"))
                let elapsed = try #require(Self.value(of: status + ".elapsed-time", type: "ms", in: lines))
                #expect(elapsed >= 89_000 && elapsed < 120_000)
                #expect(lines.contains(prefix + route.endpoint + ":1|c"))
                #expect(Self.value(of: prefix + route.endpoint, type: "ms", in: lines) != nil)
                #expect(lines.contains(prefix + route.dao + ":1|c"))
                #expect(Self.value(of: prefix + route.dao, type: "ms", in: lines) != nil)
            }
        }
    }

    @Test("duplicate, unmapped, waiting, complaint and invalid each count their outcome and no status")
    func outcomes() async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let metered = try Metered(database: database, port: listener.port)
                let delivered = try await database.insertNotification(status: .delivered)
                let sending = try await database.insertNotification(status: .sending)
                try await database.insertNotification(status: .delivered, type: "email", reference: "complained")
                _ = try await metered.test { client in
                    _ = try await client.firetext(Bodies.firetext(reference: delivered.uuidString, status: "1"))
                    _ = try await client.mmg(Bodies.mmg(cid: sending.uuidString, status: "99"))
                    _ = try await client.firetext(Bodies.firetext(reference: UUID().uuidString, status: "0"))
                    _ = try await client.ses(Bodies.ses("Complaint", messageID: "complained"))
                    return try await client.firetext("status=0")
                }
                let p = "notifications.api."
                let expected = [
                    p + "callback.firetext.duplicate:1|c", p + "callback.mmg.unmapped:1|c", p + "callback.firetext.waiting:1|c",
                    p + "callback.ses.complaint:1|c", p + "callback.firetext.invalid:1|c",
                    p + "POST.sms_callback.process_firetext_response.400:1|c",
                ]
                let lines = await listener.lines(waitingUpTo: .seconds(20)) { lines in expected.allSatisfy(lines.contains) }
                for line in expected { #expect(lines.contains(line)) }
                let statusCounters = lines.filter { line in
                    NotificationStatus.allCases.contains { line.hasPrefix(p + "callback.") && line.contains(".\($0.rawValue):") }
                }
                #expect(statusCounters.isEmpty)
            }
        }
    }

    @Test("an empty prefix and a custom prefix", arguments: [("", ""), ("gateway.staging", "gateway.staging.")])
    func prefixes(prefix: String, expected: String) async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let metered = try Metered(database: database, port: listener.port, prefix: prefix)
                let id = try await database.insertNotification(status: .sending)
                _ = try await metered.test { client in try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "2")) }
                let line = expected + "callback.firetext.pending:1|c"
                let lines = await listener.lines(waitingUpTo: .seconds(20)) { $0.contains(line) }
                #expect(lines.contains(line))
                #expect(lines.allSatisfy { expected.isEmpty ? !$0.hasPrefix(".") && !$0.hasPrefix("notifications.api") : $0.hasPrefix(expected) })
            }
        }
    }

    @Test("StatsD unreachable: receipts are still answered 200 and applied")
    func unreachable() async throws {
        try await TestDatabase.with { database in
            let metered = try Metered(database: database, port: try UDPListener.closedPort())
            let ids = try await (0..<20).asyncMap { _ in try await database.insertNotification(status: .sending) }
            let statuses = try await metered.test { client in
                try await ids.asyncMap { id in try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0")).0 }
            }
            #expect(statuses.allSatisfy { $0 == .ok })
            for id in ids { #expect(try await database.notification(id)?.status == .delivered) }
        }
    }

    @Test("a sent_at centuries ago, or infinite, neither traps nor fails the receipt", arguments: ["1700-01-01 00:00:00+00", "-infinity"])
    func absurdSentAt(sentAt: String) async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let metered = try Metered(database: database, port: listener.port)
                let id = try await database.insertNotification(status: .sending)
                try await database.query("UPDATE notifications SET sent_at = $1::timestamptz WHERE id = $2::uuid", [sentAt, id.uuidString])
                let answer = try await metered.test { client in try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0")) }
                #expect(answer.0 == .ok)
                #expect(answer.1?.status == "delivered")
                let lines = await listener.lines(waitingUpTo: .seconds(20)) { $0.contains("notifications.api.callback.firetext.delivered:1|c") }
                #expect(lines.contains("notifications.api.callback.firetext.delivered:1|c"))
                #expect(!lines.contains { $0.contains("elapsed-time") })
            }
        }
    }

    @Test("a random unknown path never becomes part of a metric name")
    func unknownPath() async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let metered = try Metered(database: database, port: listener.port)
                let path = "/wp-admin/\(UUID().uuidString.lowercased())"
                let status = try await metered.test { client in
                    try await client.execute(uri: path + "?x=1", method: .get) { $0.status }
                }
                #expect(status == .notFound)
                let lines = await listener.lines(waitingUpTo: .seconds(20)) { $0.contains("notifications.api.GET.unknown.unknown.404:1|c") }
                #expect(lines.contains("notifications.api.GET.unknown.unknown.404:1|c"))
                #expect(!lines.contains { $0.contains("wp-admin") || $0.contains(String(path.suffix(36))) })
            }
        }
    }

    @Test("the receipts API is named by its route, never by the id in its path; its look-up is timed")
    func receiptsAPI() async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let metered = try Metered(database: database, port: listener.port)
                let key = try await ReceiptsAPITests.makeKey(database, service: UUID(), type: .normal)
                let id = UUID().uuidString.lowercased()
                let statuses = try await metered.test { client in
                    [
                        try await ReceiptsAPITests.get(client, id, key: nil).0,
                        try await ReceiptsAPITests.get(client, id, key: key.text).0,
                    ]
                }
                #expect(statuses == [.unauthorized, .notFound])
                let expected = [
                    "notifications.api.GET.v2_notifications.get_notification_receipts.401:1|c",
                    "notifications.api.GET.v2_notifications.get_notification_receipts.404:1|c",
                    "notifications.api.dao.get_notification_trail:1|c",
                ]
                let lines = await listener.lines(waitingUpTo: .seconds(20)) { lines in expected.allSatisfy(lines.contains) }
                for line in expected { #expect(lines.contains(line)) }
                #expect(!lines.contains { $0.contains(id) })
            }
        }
    }

    @Test("the retrier: tasks.<name> per run, and the final outcome of a waiting receipt")
    func retrierMetrics() async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let metered = try Metered(database: database, port: listener.port)
                let id = UUID()
                _ = try await metered.test { client in try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0")) }
                try await database.insertNotification(id: id, status: .sending)
                try await database.makeWaitingReceiptsDue()
                let retrier = metered.retrier
                let expected = ["notifications.api.tasks.retry_waiting_receipts:1|c", "notifications.api.callback.firetext.delivered:1|c",
                                "notifications.api.dao.retry_waiting_receipts:1|c"]
                let lines = await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await retrier.run() }
                    let lines = await listener.lines(waitingUpTo: .seconds(30)) { lines in
                        metered.client.flush()
                        return expected.allSatisfy(lines.contains)
                    }
                    group.cancelAll()
                    return lines
                }
                for line in expected { #expect(lines.contains(line)) }
                #expect(Self.value(of: "notifications.api.tasks.retry_waiting_receipts", type: "ms", in: lines) != nil)
            }
        }
    }
}
