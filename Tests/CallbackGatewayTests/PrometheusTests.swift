import CallbackCore
import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `GET /metrics`, scraped from the real binary after real receipts, parsed as Prometheus parses it.
@Suite("callback-gateway serve: Prometheus /metrics")
struct PrometheusTests {
    static let token = "prometheus-test-token-0123456789"
    static let fixtures = ReplayCommandTests.fixtures

    @Test("after the fixtures are replayed, the receipt, request, database and job series count exactly what happened")
    func countsAfterReplay() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database, environment: ["ADMIN_TOKEN": Self.token])
            defer { server.stop() }
            let output = try await Gateway.run(
                ["replay", "--seed", "--json", "--to", "http://127.0.0.1:\(server.port)", Self.fixtures],
                environment: ["DATABASE_URL": database.url]
            )
            #expect(output.status == 0, "\(output.standardError)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
            let receipts = try #require(summary["receipts"] as? [[String: Any]])
            #expect(receipts.count > 50, "the fixtures hold many receipts")

            // What the answers say, per provider: each request, and each single receipt answered 200 by outcome and
            // status written. Providers that sent batches are left out of the receipt counts (a batch's events are
            // counted one by one, which the answers do not show).
            var requests: [String: Int] = [:]
            var expected: [[String]: Int] = [:]
            var batchProviders = Set<String>()
            for receipt in receipts {
                let provider = try #require(receipt["provider"] as? String)
                requests[provider, default: 0] += 1
                guard receipt["http_status"] as? Int == 200, let outcome = receipt["outcome"] as? String else { continue }
                guard ReceiptOutcome(rawValue: outcome) != nil else { batchProviders.insert(provider); continue }
                expected[[provider, outcome, outcome == "applied" ? (receipt["status"] as? String ?? "none") : "none"], default: 0] += 1
            }
            expected = expected.filter { !batchProviders.contains($0.key[0]) }
            #expect(expected.keys.contains(["firetext", "applied", "delivered"]) && expected.keys.contains(["mmg", "unmapped", "none"]))

            let scrape = try await server.scrape(token: Self.token)
            #expect(scrape.types["callback_receipts_total"] == "counter")
            #expect(scrape.types["http_requests_total"] == "counter")
            #expect(scrape.types["http_request_duration_seconds"] == "histogram")
            #expect(scrape.types["database_operation_duration_seconds"] == "histogram")
            #expect(scrape.types["callback_job_runs_total"] == "counter")
            #expect(scrape.types["callback_waiting_receipts"] == "gauge")
            #expect(scrape.types["callback_oldest_waiting_receipt_age_seconds"] == "gauge")
            for (key, count) in expected {
                let labels = ["provider": key[0], "outcome": key[1], "status": key[2]]
                #expect(scrape.value("callback_receipts_total", labels) == Double(count), "\(labels)")
            }
            let receiptSeries = scrape.samples.filter { $0.name == "callback_receipts_total" }
            for sample in receiptSeries where !batchProviders.contains(sample.labels["provider"] ?? "") {
                let key = [sample.labels["provider"] ?? "", sample.labels["outcome"] ?? "", sample.labels["status"] ?? ""]
                #expect(expected[key] != nil || ["invalid", "rejected"].contains(key[1]), "a series no answer accounts for: \(sample.series)")
            }

            for unit in ProviderRegistry.units {
                let sent = Double(requests[unit.provider.rawValue] ?? 0)
                let route = ["route": unit.routePath, "method": "POST"]
                #expect(scrape.sum("http_requests_total", where: route) == sent, "\(unit.routePath)")
                #expect(scrape.sum("http_request_duration_seconds_count", where: route) == sent, "\(unit.routePath)")
            }
            try Self.expectWellFormedHistograms(scrape, "http_request_duration_seconds")
            try Self.expectWellFormedHistograms(scrape, "database_operation_duration_seconds")
            let stored = scrape.sum("database_operation_duration_seconds_count", where: ["operation": "update_notification_status_by_id"])
                + scrape.sum("database_operation_duration_seconds_count", where: ["operation": "update_notification_status_by_reference"])
            #expect(stored > 0 && stored <= Double(receipts.count), "one store operation per request that reached the store")
            #expect(scrape.sum("callback_job_runs_total", where: ["job": "retry_waiting_receipts"]) >= 1)
            // The scrape itself is a request of its own route.
            #expect(scrape.sum("http_requests_total", where: ["route": "/metrics", "method": "GET", "status": "200"]) == 0)
            let again = try await server.scrape(token: Self.token)
            #expect(again.value("http_requests_total", ["route": "/metrics", "method": "GET", "status": "200"]) == 1)
        }
    }

    @Test("on the main port /metrics wants the admin token like /admin, and is absent without one")
    func protectedLikeAdmin() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database, environment: ["ADMIN_TOKEN": Self.token])
            defer { server.stop() }
            #expect(try await server.get("/metrics").0 == 401)
            #expect(try await server.get("/metrics", headers: ["Authorization": "Bearer wrong-token-0123456789"]).0 == 401)
            #expect(try await server.get("/metrics", headers: ["Authorization": Self.token]).0 == 401)
            let (status, body, contentType) = try await server.getWithType("/metrics", headers: ["Authorization": "Bearer \(Self.token)"])
            #expect(status == 200)
            #expect(contentType == "text/plain; version=0.0.4; charset=utf-8")
            _ = try PrometheusText(parsing: body)

            let closed = try await RunningGateway.start(database: database)
            defer { closed.stop() }
            #expect(try await closed.get("/metrics").0 == 404)
            #expect(try await closed.get("/admin/stats").0 == 404)
            #expect(closed.process.standardError.contains("Prometheus metrics are off: set ADMIN_TOKEN"))
        }
    }

    @Test("a scan of random URLs, methods and odd statuses adds no series beyond the one unmatched route")
    func randomURLsAddNoSeries() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database, environment: ["ADMIN_TOKEN": Self.token])
            defer { server.stop() }
            var generator = SeededGenerator(seed: 18)
            func scan() async throws {
                for _ in 0..<60 {
                    let path = "/" + (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                        String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement(using: &generator)! })
                    }.joined(separator: "/")
                    let method = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"].randomElement(using: &generator)!
                    let status = try await server.send(method: method, path + "?q=\(UInt32.random(in: 0...UInt32.max, using: &generator))")
                    #expect(status == 404 || status == 405 || status == 400, "\(method) \(path)")
                }
            }
            try await scan()
            // The scrapes are requests too: one before, so that the route of /metrics has its series already.
            _ = try await server.scrape(token: Self.token)
            let first = try await server.scrape(token: Self.token)
            let unmatched = first.samples.filter { $0.labels["route"] == "unmatched" }
            #expect(!unmatched.isEmpty)
            #expect(Set(unmatched.compactMap { $0.labels["method"] }).isSubset(of: ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"]))
            #expect(first.sum("http_requests_total", where: ["route": "unmatched"]) == 60)
            try await scan()
            let second = try await server.scrape(token: Self.token)
            let added = second.series.subtracting(first.series)
            #expect(added.isEmpty, "new series: \(added.sorted())")
            #expect(second.series.count == first.series.count)
            #expect(second.sum("http_requests_total", where: ["route": "unmatched"]) == 120)
        }
    }

    @Test("METRICS_PORT serves /metrics without a token on its own address, and the main port no longer serves it")
    func separateAddress() async throws {
        try await TestDatabase.with { database in
            let metricsPort = try FreePort.find()
            let server = try await RunningGateway.start(database: database, environment: [
                "ADMIN_TOKEN": Self.token, "METRICS_PORT": String(metricsPort), "METRICS_HOST": "127.0.0.1",
            ])
            defer { server.stop() }
            let id = try await database.insertNotification(status: .sending)
            #expect(try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)").0 == 200)
            #expect(try await server.get("/metrics", headers: ["Authorization": "Bearer \(Self.token)"]).0 == 404)
            let (status, body) = try await RunningGateway.fetchOnceListening(URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!)
            #expect(status == 200)
            let scrape = try PrometheusText(parsing: body)
            #expect(scrape.value("callback_receipts_total", ["provider": "firetext", "outcome": "applied", "status": "delivered"]) == 1)
            #expect(try await RunningGateway.fetch(URL(string: "http://127.0.0.1:\(metricsPort)/admin/stats")!).0 == 404)
            #expect(try await RunningGateway.fetch(URL(string: "http://127.0.0.1:\(metricsPort)/_status")!).0 == 404)

            // Without any admin token, the separate address alone turns Prometheus on.
            let otherPort = try FreePort.find()
            let open = try await RunningGateway.start(database: database, environment: ["METRICS_PORT": String(otherPort)])
            defer { open.stop() }
            #expect(try await RunningGateway.fetchOnceListening(URL(string: "http://127.0.0.1:\(otherPort)/metrics")!).0 == 200)
            #expect(try await open.get("/metrics").0 == 404)

            // The second listener stops with the gateway on SIGTERM.
            open.process.signal(SIGTERM)
            #expect(await open.process.exit() == 0)
            #expect(open.process.standardError.contains("Prometheus metrics are served without a token on a separate address"))
        }
    }

    @Test("a metrics port already in use stops the gateway with exit 1, naming it")
    func metricsPortInUse() async throws {
        let holder = try SilentServer()
        defer { holder.close() }
        try await TestDatabase.with { database in
            let output = try await Gateway.run(["serve"], environment: [
                "DATABASE_URL": database.url, "HOST": "127.0.0.1", "PORT": String(try FreePort.find()), "JOBS": "off",
                "METRICS_HOST": "127.0.0.1", "METRICS_PORT": String(holder.port),
            ])
            #expect(output.status == 1)
            #expect(output.standardError.contains("cannot listen: the address is already in use"))
            #expect(output.standardError.contains("METRICS_PORT"))
            #expect(output.standardError.contains("metrics_port=\(holder.port)"))
        }
    }

    @Test("StatsD and Prometheus at once count the same receipts")
    func statsdAndPrometheus() async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let server = try await RunningGateway.start(database: database, environment: [
                    "ADMIN_TOKEN": Self.token, "STATSD_HOST": "127.0.0.1", "STATSD_PORT": String(listener.port), "STATSD_PREFIX": "cbgw",
                ])
                defer { server.stop() }
                let delivered = 7, failed = 3, waiting = 2
                for index in 0..<(delivered + failed + waiting) {
                    let id = index < delivered + failed ? try await database.insertNotification(status: .sending) : UUID()
                    let status = index < delivered ? "0" : "1"
                    #expect(try await server.post("/notifications/sms/firetext", "status=\(status)&reference=\(id)").0 == 200)
                }
                let expected = ["cbgw.callback.firetext.delivered:1|c": delivered, "cbgw.callback.firetext.permanent-failure:1|c": failed,
                                "cbgw.callback.firetext.waiting:1|c": waiting]
                let lines = await listener.lines(waitingUpTo: .seconds(20)) { lines in
                    expected.allSatisfy { line, count in lines.filter { $0 == line }.count >= count }
                }
                let scrape = try await server.scrape(token: Self.token)
                let labels = ["delivered": ("applied", "delivered"), "permanent-failure": ("applied", "permanent-failure"), "waiting": ("waiting", "none")]
                for (line, count) in expected {
                    #expect(lines.filter { $0 == line }.count == count, "\(line)")
                    let word = String(line.dropFirst("cbgw.callback.firetext.".count).prefix { $0 != ":" })
                    let (outcome, status) = try #require(labels[word])
                    #expect(scrape.value("callback_receipts_total", ["provider": "firetext", "outcome": outcome, "status": status]) == Double(count))
                }
            }
        }
    }

    @Test("bad Prometheus settings stop start-up with a message naming them and exit 78", arguments: [
        (["PROMETHEUS": "maybe"], "PROMETHEUS is \"maybe\"; use one of"),
        (["METRICS_PORT": "0"], "METRICS_PORT is \"0\", which is not a port"),
        (["METRICS_PORT": "metrics"], "METRICS_PORT is \"metrics\", which is not a port"),
        (["METRICS_PORT": "6011", "PORT": "6011"], "METRICS_PORT is 6011, the same as PORT"),
        (["METRICS_HOST": "10.0.0.5"], "METRICS_HOST is set but METRICS_PORT is not"),
        (["METRICS_PORT": "9464", "METRICS_HOST": " "], "METRICS_HOST is empty"),
        (["METRICS_PORT": "9464", "PROMETHEUS": "off"], "METRICS_PORT is set but PROMETHEUS is off"),
    ])
    func badSetting(environment: [String: String], message: String) async throws {
        let output = try await Gateway.run(["serve"], environment: environment)
        #expect(output.status == 78)
        #expect(output.standardError.contains(message), "\(output.standardError)")
    }

    /// Every histogram of the family: buckets that never decrease, ending in `+Inf` equal to `_count`.
    static func expectWellFormedHistograms(_ scrape: PrometheusText, _ family: String) throws {
        let counts = scrape.samples.filter { $0.name == family + "_count" }
        #expect(!counts.isEmpty, "\(family) has series")
        for count in counts {
            let buckets = scrape.samples.filter { sample in
                sample.name == family + "_bucket" && count.labels.allSatisfy { sample.labels[$0.key] == $0.value }
                    && sample.labels.count == count.labels.count + 1
            }
            let ordered = try buckets.map { bucket -> (Double, Double) in
                let bound = try #require(bucket.labels["le"])
                return (bound == "+Inf" ? .infinity : try #require(Double(bound)), bucket.value)
            }.sorted { $0.0 < $1.0 }
            #expect(ordered.count == 14, "13 bounds and +Inf: \(count.series)")
            #expect(zip(ordered, ordered.dropFirst()).allSatisfy { $0.1 <= $1.1 }, "cumulative: \(count.series)")
            #expect(ordered.last?.0 == .infinity && ordered.last?.1 == count.value, "+Inf is the count: \(count.series)")
            #expect(scrape.samples.contains { $0.name == family + "_sum" && $0.labels == count.labels && $0.value >= 0 })
        }
    }
}

extension RunningGateway {
    /// `GET /metrics` with the admin token, parsed.
    func scrape(token: String) async throws -> PrometheusText {
        let (status, body) = try await get("/metrics", headers: ["Authorization": "Bearer \(token)"])
        guard status == 200 else { throw TestSetupError("GET /metrics answered \(status): \(body)") }
        return try PrometheusText(parsing: body)
    }

    func get(_ path: String, headers: [String: String]) async throws -> (Int, String) {
        let (status, body, _) = try await getWithType(path, headers: headers)
        return (status, body)
    }

    func getWithType(_ path: String, headers: [String: String]) async throws -> (Int, String, String?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, String(decoding: data, as: UTF8.self), http?.value(forHTTPHeaderField: "Content-Type"))
    }

    /// A request with any method and no body; its status.
    func send(method: String, _ path: String) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 60
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// `GET` of any URL: its status and body.
    static func fetch(_ url: URL) async throws -> (Int, String) {
        var request = URLRequest(url: url)
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// `GET` of a URL on the separate metrics listener, once it accepts connections. That listener starts beside
    /// the main one, so `/_status` answering on `PORT` does not yet say it is bound.
    static func fetchOnceListening(_ url: URL) async throws -> (Int, String) {
        if let answer = await poll(every: .milliseconds(50), upTo: .seconds(10), { try? await fetch(url) }) { return answer }
        return try await fetch(url)
    }
}
