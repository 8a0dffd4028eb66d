import CallbackCore
import CallbackStore
import Foundation
import Testing
import TestSupport

/// `callback-gateway keys` and the receipts API, as an operator and a service use them: the real binary, a real
/// database.
@Suite("callback-gateway keys")
struct KeysCommandTests {
    @Test("create prints the key once, alone on the last line; it reads a receipt trail until it is revoked")
    func lifecycle() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let service = UUID()
            let id = try await database.insertNotification(status: .sending)
            try await database.query(
                "UPDATE notifications SET service_id = $2::uuid, key_type = 'team' WHERE id = $1::uuid", [id.uuidString, service.uuidString]
            )
            let environment = ["DATABASE_URL": database.url]
            let made = try await Gateway.run(["keys", "create", "--service", service.uuidString, "--type", "team", "--name", "ops"], environment: environment)
            #expect(made.status == 0, "\(made.standardError)")
            let lines = made.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            let token = try #require(lines.last.flatMap { APIKeyToken(text: $0) }, "the last line is the key: \(made.standardOutput)")
            #expect(lines.dropLast().allSatisfy { !$0.contains(token.secret) }, "the secret appears once")
            #expect(!made.standardError.contains(token.secret))

            let server = try await RunningGateway.start(database: database)
            defer { server.stop() }
            _ = try await server.post("/notifications/sms/firetext", "status=0&reference=\(id)")
            let path = "/v2/notifications/\(id.uuidString)/receipts"
            let granted = try await server.get(path, headers: ["Authorization": "Bearer \(token.text)"])
            #expect(granted.0 == 200, "\(granted.1)")
            #expect(granted.1.contains(#""status":"delivered""#))
            #expect(try await server.get(path, headers: [:]).0 == 401)

            let listed = try await Gateway.run(["keys", "list", "--service", service.uuidString], environment: environment)
            #expect(listed.status == 0)
            #expect(listed.standardOutput.contains(UUIDText.lowercase(token.id)))
            #expect(listed.standardOutput.contains("team"))
            #expect(!listed.standardOutput.contains(token.secret))

            let revoked = try await Gateway.run(["keys", "revoke", UUIDText.lowercase(token.id)], environment: environment)
            #expect(revoked.status == 0, "\(revoked.standardError)")
            #expect(try await server.get(path, headers: ["Authorization": "Bearer \(token.text)"]).0 == 401)
            let again = try await Gateway.run(["keys", "revoke", UUIDText.lowercase(token.id)], environment: environment)
            #expect(again.status == 1)
            #expect(again.standardError.contains("already revoked"))
            #expect(!server.process.standardError.contains(token.secret), "the gateway never logs a key")
            #expect(!server.process.standardOutput.contains(token.secret))
        }
    }

    @Test("bad flags name what was wrong and what to give; nothing is stored")
    func badFlags() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let environment = ["DATABASE_URL": database.url]
            let cases: [([String], Int32, String)] = [
                (["keys", "create", "--service", "nope", "--type", "team"], 64, "--service 'nope' is not a UUID"),
                (["keys", "create", "--service", UUID().uuidString, "--type", "admin"], 64, "give normal, team or test"),
                (["keys", "create", "--service", UUID().uuidString], 64, "--type"),
                (["keys", "create", "--service", UUID().uuidString, "--type", "test", "--name", String(repeating: "n", count: 201)], 64, "--name"),
                (["keys", "list", "--service", "x"], 64, "is not a UUID"),
                (["keys", "revoke", "x"], 64, "is not a UUID"),
                (["keys", "revoke", UUID().uuidString], 1, "keys list"),
            ]
            for (arguments, status, message) in cases {
                let output = try await Gateway.run(arguments, environment: environment)
                #expect(output.status == status, "\(arguments): \(output.standardError)")
                #expect(output.standardError.contains(message), "\(arguments): \(output.standardError)")
            }
            #expect(try await database.query("SELECT count(*) AS n FROM api_keys").value("n") == "0")
        }
    }
}
