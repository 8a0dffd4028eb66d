import CallbackCore
@testable import CallbackServer
import CallbackStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Provider credentials")
struct AuthTests {
    static let old = BasicCredential(user: "firetext", password: "old-secret-1")
    static let new = BasicCredential(user: "firetext", password: "new-secret-2")

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    @Test("Basic auth on Firetext: none, wrong, old and new during rotation; MMG left open")
    func rotation() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(providerCredentials: [.firetext: [Self.old, Self.new]]))
            let id = try await database.insertNotification(status: .sending)
            let other = try await database.insertNotification(status: .sending)
            let results = try await harness.test { client in
                var results: [(HTTPResponse.Status, String?, Answer?)] = []
                for (index, header) in [nil, Self.basic("firetext", "wrong"), Self.basic("someone", "old-secret-1"), "Bearer old-secret-1",
                                        Self.basic("firetext", "old-secret-1"), Self.basic("firetext", "new-secret-2")].enumerated() {
                    var headers: HTTPFields = [.contentType: Bodies.firetextType]
                    if let header { headers[.authorization] = header }
                    let body = Bodies.firetext(reference: id.uuidString, status: "2", time: "2016-03-10 14:17:0\(index)")
                    results.append(try await client.execute(uri: "/notifications/sms/firetext", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                        ($0.status, $0.headers[.wwwAuthenticate], try? JSONDecoder().decode(Answer.self, from: Data($0.body.readableBytesView)))
                    })
                }
                results.append((try await client.mmg(Bodies.mmg(cid: other.uuidString, status: "3")).0, nil, nil))
                return results
            }
            for refused in results.prefix(4) {
                #expect(refused.0 == .unauthorized)
                #expect(refused.1 == #"Basic realm="callback-gateway""#)
                #expect(refused.2?.message == ["authentication required"])
            }
            #expect(results[4].0 == .ok)
            #expect(results[5].0 == .ok)
            #expect(results[6].0 == .ok, "MMG has no credentials configured: open")
            #expect(try await database.receiptOutcomes(id) == ["applied", "duplicate"], "refused requests stored nothing")
        }
    }

    @Test("credentials are read as user:password lists; malformed ones are refused", arguments: [
        ("a:b", 1), ("a:b,c:d:e", 2), ("a:", 0), (":b", 0), ("ab", 0), ("a:b,", 0), ("", 0),
    ])
    func parsing(text: String, count: Int) {
        #expect((BasicCredential.list(text)?.count ?? 0) == count)
    }

    @Test("a Basic header is read with its scheme in any case and spaces or tabs around the credentials; anything else presents none", arguments: [
        ("Basic dXNlcjpwYXNz", "user:pass"), ("basic dXNlcjpwYXNz", "user:pass"), ("BASIC   dXNlcjpwYXNz \t", "user:pass"),
        ("Basic \tdXNlcjpwYXNz", "user:pass"), ("Basic", nil), ("Basic ", nil), ("Basic  \t ", nil), ("Basic\tdXNlcjpwYXNz", nil),
        ("BasicdXNlcjpwYXNz", nil), ("Bearer dXNlcjpwYXNz", nil), ("Basi dXNlcjpwYXNz", nil), ("Basic dXNlcjpwYXN", nil),
        ("Basic dXNl cjpwYXNz", nil), ("Básic dXNlcjpwYXNz", nil), ("", nil),
    ] as [(String, String?)])
    func header(value: String, credentials: String?) {
        #expect(BasicAuthMiddleware<BasicRequestContext>.presented(value) == credentials.map { Array($0.utf8) })
    }
}

@Suite("Request limits")
struct LimitTests {
    @Test("beyond the concurrency limit the answer is 503 at once; requests within it complete")
    func concurrency() async throws {
        try await TestDatabase.with(poolSize: 4) { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(maxConcurrentRequests: 2))
            let id = try await database.insertNotification(status: .sending)
            let holder = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1))
            _ = try await holder.run { connection throws(DatabaseError) in try connection.execute("BEGIN") }
            _ = try await holder.run { connection throws(DatabaseError) in
                try connection.query(PreparedStatement(name: "lock", sql: "SELECT id FROM notifications WHERE id = $1::uuid FOR UPDATE"), [id.uuidString.lowercased()])
            }
            let statuses = try await harness.test { client in
                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    // One at a time, each until its statement waits on the lock, so that each holds a slot and the
                    // two are not stored together in one batch (which would wait on the lock once).
                    let observer = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1))
                    for second in 0..<2 {
                        group.addTask { try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0", time: "2016-03-10 14:17:0\(second)")).0 }
                        for _ in 0..<250 {
                            let waiting = try await observer.run { connection throws(DatabaseError) in
                                try connection.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
                            }
                            if waiting.value("n") == String(second + 1) { break }
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    }
                    await observer.shutdownAndWait()
                    let third = try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "1"))
                    _ = try await holder.run { connection throws(DatabaseError) in try connection.execute("COMMIT") }
                    var statuses = [third.0]
                    for try await status in group { statuses.append(status) }
                    return statuses
                }
            }
            await holder.shutdownAndWait()
            #expect(statuses.first == .serviceUnavailable)
            #expect(statuses.dropFirst().sorted { $0.code < $1.code } == [.ok, .ok])
            #expect(try await database.count("callback_receipts") == 2)
        }
    }
}
