import CallbackServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Admin routes")
struct AdminTests {
    static let token = "test-admin-token-0123456789abcdef"

    @Test("without ADMIN_TOKEN the admin routes do not exist")
    func off() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let status = try await harness.test { client in
                try await client.execute(uri: "/admin/unmapped", method: .get, headers: [.authorization: "Bearer \(Self.token)"]) { $0.status }
            }
            #expect(status == .notFound)
        }
    }

    @Test("with ADMIN_TOKEN: no header, a wrong token and a near miss are 401 with WWW-Authenticate; the token is 200")
    func guarded() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.token))
            let id = try await database.insertNotification(status: .sending)
            let answers = try await harness.test { client in
                _ = try await client.mmg(Bodies.mmg(cid: id.uuidString, status: "99"))
                _ = try await client.mmg(Bodies.mmg(cid: id.uuidString, status: "99"))
                var answers: [(HTTPResponse.Status, String?, String)] = []
                for header in [nil, "Bearer wrong", "Bearer " + Self.token + "x", "Basic " + Self.token, "Bearer " + Self.token] as [String?] {
                    var headers: HTTPFields = [:]
                    if let header { headers[.authorization] = header }
                    answers.append(try await client.execute(uri: "/admin/unmapped", method: .get, headers: headers) {
                        ($0.status, $0.headers[.wwwAuthenticate], String(buffer: $0.body))
                    })
                }
                return answers
            }
            for refused in answers.dropLast() {
                #expect(refused.0 == .unauthorized)
                #expect(refused.1?.hasPrefix("Bearer") == true)
                #expect(!refused.2.contains("99"))
            }
            let granted = try #require(answers.last)
            #expect(granted.0 == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(granted.2.utf8)) as? [String: [[String: Any]]])
            let rows = try #require(json["unmapped"])
            #expect(rows.count == 1)
            #expect(rows.first?["provider"] as? String == "mmg")
            #expect(rows.first?["raw_status"] as? String == "99")
            #expect(rows.first?["count"] as? Int == 2)
            #expect(rows.first?["first_seen"] is String)
        }
    }
}
