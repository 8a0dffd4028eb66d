import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// `docs/openapi.yaml` against the server: its operations are exactly the routes the router serves, and every
/// answer below (every fixture of every provider, and a request for each answer of the contract) has a documented
/// status and a body valid against the documented schema. The document and the answers are checked by
/// `Tests/openapi/check_openapi.py` with the tests' Python (`openapi-spec-validator`, installed by scripts/test).
@Suite("OpenAPI document")
struct OpenAPITests {
    static let adminToken = "openapi-admin-token-0123456789abcdef"

    /// One request's answer, with the route it was for.
    struct Exchange: Sendable {
        var method: HTTPRequest.Method
        var route: String
        var status: Int
        var contentType: String?
        var body: String

        var json: [String: Any] {
            ["method": method.rawValue, "route": route, "status": status, "content_type": contentType as Any, "body": body]
        }
    }

    @Test("every route documented, nothing else; every answer's status and body as documented")
    func document() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.adminToken))
            // Every route the gateway can serve: Prometheus on, so /metrics is among them.
            let metrics = GatewayMetrics(statsd: nil, prometheus: PrometheusMetrics())
            let routes = harness.router(metrics: metrics).routes.map { [$0.method.rawValue, $0.path.description] }

            let fixtures = try FixtureSet.receipts().map(\.fixture)
            try await FixtureSeeder(workers: database.workers).seed(try FixtureSet.notifications(), receipts: fixtures)
            let service = UUID()
            let own = try await ReceiptsAPITests.deliveredNotification(database, service: service, type: .normal)
            let key = try await ReceiptsAPITests.makeKey(database, service: service, type: .normal)

            let exchanges = try await harness.test(metrics: metrics) { client in
                var exchanges: [Exchange] = []
                func send(
                    _ method: HTTPRequest.Method, _ route: String, _ uri: String? = nil, body: String? = nil,
                    headers: HTTPFields = [:]
                ) async throws {
                    exchanges.append(try await client.execute(
                        uri: uri ?? route, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
                    ) { response in
                        Exchange(method: method, route: route, status: Int(response.status.code),
                                 contentType: response.headers[.contentType], body: String(buffer: response.body))
                    })
                }
                for fixture in fixtures {
                    var headers = HTTPFields()
                    for header in fixture.headers {
                        headers.append(HTTPField(name: try #require(HTTPField.Name(header.name)), value: header.value))
                    }
                    if let type = fixture.contentType { headers[.contentType] = type }
                    try await send(.post, CallbackRoutes.path(for: fixture.provider), body: fixture.body, headers: headers)
                }
                let form: HTTPFields = [.contentType: Bodies.firetextType]
                try await send(.post, "/notifications/sms/firetext", body: "status=0", headers: form)
                try await send(.post, "/notifications/sms/firetext", body: Bodies.firetext(reference: own.uuidString, status: "0"), headers: form)
                try await send(.post, "/notifications/sms/firetext", body: String(repeating: "a", count: 70 * 1024), headers: form)
                try await send(.post, "/notifications/sms/mmg", body: "{}", headers: [.contentType: "text/csv"])
                try await send(.get, "/_status")
                try await send(.get, "/_status/ready")
                let admin: HTTPFields = [.authorization: "Bearer \(Self.adminToken)"]
                try await send(.get, "/admin/unmapped", headers: admin)
                try await send(.get, "/admin/unmapped")
                try await send(.get, "/admin/stats", "/admin/stats?limit_days=3", headers: admin)
                try await send(.get, "/admin/stats", "/admin/stats?limit_days=99", headers: admin)
                try await send(.get, "/admin/stats")
                try await send(.get, "/metrics", headers: admin)
                try await send(.get, "/metrics")
                let signInForm: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                try await send(.get, "/dashboard/sign-in")
                try await send(.post, "/dashboard/sign-in", body: "token=wrong", headers: signInForm)
                try await send(.get, "/dashboard")
                try await send(.get, "/dashboard/unmapped", "/dashboard/unmapped?fragment=1")
                try await send(.get, "/dashboard/refresh.js")
                let signedIn = try await client.execute(
                    uri: "/dashboard/sign-in", method: .post, headers: signInForm, body: ByteBuffer(string: "token=\(Self.adminToken)")
                ) { $0.headers[.setCookie] }
                let session: HTTPFields = [.cookie: String(signedIn?.split(separator: ";").first ?? "")]
                try await send(.get, "/dashboard", "/dashboard?limit_days=3", headers: session)
                try await send(.get, "/dashboard", "/dashboard?limit_days=99", headers: session)
                try await send(.get, "/dashboard/unmapped", headers: session)
                try await send(.get, "/dashboard/backlog", headers: session)
                try await send(.get, "/dashboard/lookup", "/dashboard/lookup?q=\(own.uuidString)", headers: session)
                try await send(.get, "/dashboard/lookup", "/dashboard/lookup?q=no-such-reference", headers: session)
                try await send(.post, "/dashboard/sign-out", headers: session)
                let route = "/v2/notifications/{id}/receipts"
                let bearer: HTTPFields = [.authorization: "Bearer \(key.text)"]
                try await send(.get, route, "/v2/notifications/\(own.uuidString)/receipts", headers: bearer)
                try await send(.get, route, "/v2/notifications/\(UUID().uuidString)/receipts", headers: bearer)
                try await send(.get, route, "/v2/notifications/not-a-uuid/receipts", headers: bearer)
                try await send(.get, route, "/v2/notifications/\(own.uuidString)/receipts")
                return exchanges
            }
            // Every status the contract names for these routes was met at least once, so no check below is vacuous.
            #expect(Set(exchanges.map(\.status)).isSuperset(of: [200, 400, 401, 403, 404, 413, 415]), "\(Set(exchanges.map(\.status)))")

            let problems = try await Self.check(routes: routes, exchanges: exchanges)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }

    @Test("the checker finds an undocumented route, an undocumented status and a body off its schema")
    func checkerFindsProblems() async throws {
        let problems = try await Self.check(
            routes: [["GET", "/_status"], ["GET", "/not-documented"]],
            exchanges: [
                Exchange(method: .get, route: "/_status", status: 200, contentType: "application/json", body: #"{"status":"fine"}"#),
                Exchange(method: .get, route: "/_status", status: 418, contentType: "application/json", body: "{}"),
            ]
        )
        #expect(problems.contains { $0.contains("GET /not-documented is served but not documented") })
        #expect(problems.contains { $0.contains("GET /admin/stats is documented but not served") })
        #expect(problems.contains { $0.contains("GET /_status -> 418: status not documented") })
        #expect(problems.contains { $0.hasPrefix("GET /_status -> 200:") && $0.contains("fine") })
    }

    /// What `check_openapi.py` finds wrong.
    static func check(routes: [[String]], exchanges: [Exchange]) async throws -> [String] {
        guard let python = ProcessInfo.processInfo.environment["CALLBACK_TEST_PYTHON"], !python.isEmpty else {
            throw TestSetupError("CALLBACK_TEST_PYTHON is not set: run the tests with scripts/test, which installs openapi-spec-validator into .build-provider-sdks")
        }
        let root = SNSFixtures.root
        let request: [String: Any] = [
            "spec": root.appendingPathComponent("docs/openapi.yaml").path,
            "routes": routes,
            "answers": exchanges.map(\.json),
        ]
        let input = NSTemporaryDirectory() + "cbgw-openapi-" + UUID().uuidString + ".json"
        try JSONSerialization.data(withJSONObject: request).write(to: URL(fileURLWithPath: input))
        defer { try? FileManager.default.removeItem(atPath: input) }
        let script = root.appendingPathComponent("Tests/openapi/check_openapi.py").path
        let output = try await Command.run("/bin/sh", ["-c", "exec \"$0\" \"$1\" < \"$2\"", python, script, input])
        guard output.status == 0,
              let answer = try? JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any],
              let problems = answer["problems"] as? [String]
        else {
            throw TestSetupError("check_openapi.py failed (\(output.status)): \(output.standardError)")
        }
        return problems
    }
}
