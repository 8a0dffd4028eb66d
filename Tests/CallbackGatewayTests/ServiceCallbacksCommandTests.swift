import CallbackCore
import CallbackStore
import Foundation
import Testing
import TestSupport

/// `callback-gateway service-callbacks`, as an operator runs it: the real binary, a real database, the token on
/// standard input.
@Suite("callback-gateway service-callbacks")
struct ServiceCallbacksCommandTests {
    static let keyA = Data((0..<32).map { UInt8($0) }).base64EncodedString()
    static let keyB = Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()

    /// Runs the gateway with `input` on its standard input.
    static func run(_ arguments: [String], input: String, environment: [String: String]) async throws -> Command.Output {
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        env["CALLBACK_INPUT"] = input
        return try await Command.run("/bin/sh", ["-c", "printf %s \"$CALLBACK_INPUT\" | exec \"$0\" \"$@\"", try Gateway.executable] + arguments, environment: env)
    }

    @Test("set reads the token from standard input and stores it sealed; list never shows it; set again replaces; remove")
    func lifecycle() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let service = UUID()
            let environment = ["DATABASE_URL": database.url, "SERVICE_CALLBACK_ENCRYPTION_KEY": Self.keyA]
            let set = try await Self.run(
                ["service-callbacks", "set", "--service", service.uuidString, "--type", "delivery-status", "--url", "https://203.0.113.10/callbacks"],
                input: "tok-0123456789\n", environment: environment
            )
            #expect(set.status == 0, "\(set.standardError)")
            #expect(set.standardOutput.contains("registered the delivery-status callback"))
            #expect(!set.standardOutput.contains("tok-0123456789") && !set.standardError.contains("tok-0123456789"))

            let stored = try #require(try await PostgresServiceCallbacks(workers: database.workers).list(service: service).first)
            #expect(stored.url == "https://203.0.113.10/callbacks")
            #expect(!Digest.hex(stored.sealedToken).contains(Digest.hex(Array("tok-0123456789".utf8))), "the database never holds the token in the clear")
            #expect(try TokenSealer(keysText: Self.keyA).open(stored.sealedToken, service: service, type: .deliveryStatus) == "tok-0123456789")

            let listed = try await Gateway.run(["service-callbacks", "list"], environment: environment)
            #expect(listed.status == 0)
            #expect(listed.standardOutput.contains("https://203.0.113.10/callbacks"))
            #expect(!listed.standardOutput.contains("tok-0123456789"))

            let again = try await Self.run(
                ["service-callbacks", "set", "--service", service.uuidString, "--type", "delivery-status", "--url", "https://203.0.113.11/v2"],
                input: "tok-second", environment: environment
            )
            #expect(again.status == 0, "\(again.standardError)")
            #expect(again.standardOutput.contains("replaced"))
            let callbacks = try await PostgresServiceCallbacks(workers: database.workers).list(service: service)
            #expect(callbacks.map(\.url) == ["https://203.0.113.11/v2"])

            let removed = try await Gateway.run(["service-callbacks", "remove", "--service", service.uuidString, "--type", "delivery-status"], environment: environment)
            #expect(removed.status == 0)
            #expect(try await PostgresServiceCallbacks(workers: database.workers).list(service: service).isEmpty)
            let twice = try await Gateway.run(["service-callbacks", "remove", "--service", service.uuidString, "--type", "delivery-status"], environment: environment)
            #expect(twice.status == 1)
            #expect(twice.standardError.contains("has no delivery-status callback"))
        }
    }

    @Test("rotation: with a new key first, reseal seals every token with it, and the old key can then go")
    func rotation() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let services = [UUID(), UUID()]
            for service in services {
                let set = try await Self.run(
                    ["service-callbacks", "set", "--service", service.uuidString, "--type", "complaint", "--url", "https://203.0.113.10/c"],
                    input: "token-\(service.uuidString.prefix(4))", environment: ["DATABASE_URL": database.url, "SERVICE_CALLBACK_ENCRYPTION_KEY": Self.keyA]
                )
                #expect(set.status == 0, "\(set.standardError)")
            }
            let resealed = try await Gateway.run(["service-callbacks", "reseal"], environment: [
                "DATABASE_URL": database.url, "SERVICE_CALLBACK_ENCRYPTION_KEY": "\(Self.keyB),\(Self.keyA)",
            ])
            #expect(resealed.status == 0, "\(resealed.standardError)")
            #expect(resealed.standardOutput.contains("sealed 2 tokens again"))
            let newOnly = try TokenSealer(keysText: Self.keyB)
            for callback in try await PostgresServiceCallbacks(workers: database.workers).list() {
                #expect(newOnly.open(callback.sealedToken, service: callback.serviceID, type: .complaint) == "token-\(callback.serviceID.uuidString.prefix(4))")
            }
            let lost = try await Gateway.run(["service-callbacks", "reseal"], environment: [
                "DATABASE_URL": database.url, "SERVICE_CALLBACK_ENCRYPTION_KEY": Data(repeating: 9, count: 32).base64EncodedString(),
            ])
            #expect(lost.status == 1)
            #expect(lost.standardError.contains("opens with none of the keys"))
        }
    }

    @Test("URLs that would reach inside are refused, and allowed only by the insecure setting; bad input is named")
    func refusals() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let service = UUID().uuidString
            let environment = ["DATABASE_URL": database.url, "SERVICE_CALLBACK_ENCRYPTION_KEY": Self.keyA]
            func set(_ url: String, type: String = "delivery-status", input: String = "tok", environment: [String: String]) async throws -> Command.Output {
                try await Self.run(["service-callbacks", "set", "--service", service, "--type", type, "--url", url], input: input, environment: environment)
            }
            for (url, message) in [
                ("http://203.0.113.10/cb", "must use https"),
                ("https://127.0.0.1/cb", "loopback"),
                ("https://10.2.3.4/cb", "private"),
                ("https://169.254.169.254/latest/meta-data/", "metadata"),
                ("https://[::1]:8443/cb", "loopback"),
                ("https://localhost/cb", "loopback"),
                ("https://u:p@203.0.113.10/cb", "user or password"),
            ] {
                let refused = try await set(url, environment: environment)
                #expect(refused.status == 78, "\(url): \(refused.standardError)")
                #expect(refused.standardError.contains(message), "\(url): \(refused.standardError)")
            }
            var insecure = environment
            insecure["SERVICE_CALLBACK_ALLOW_INSECURE_URLS"] = "1"
            let allowed = try await set("http://127.0.0.1:9000/cb", environment: insecure)
            #expect(allowed.status == 0, "\(allowed.standardError)")
            #expect(allowed.standardOutput.contains("for local testing only"))

            let noKey = try await set("https://203.0.113.10/cb", environment: ["DATABASE_URL": database.url])
            #expect(noKey.status == 78)
            #expect(noKey.standardError.contains("SERVICE_CALLBACK_ENCRYPTION_KEY is not set"))
            let badKey = try await set("https://203.0.113.10/cb", environment: ["DATABASE_URL": database.url, "SERVICE_CALLBACK_ENCRYPTION_KEY": "c2hvcnQ="])
            #expect(badKey.status == 78)
            #expect(badKey.standardError.contains("not 32 bytes in base64"))
            let noToken = try await set("https://203.0.113.10/cb", input: "", environment: environment)
            #expect(noToken.status == 78)
            #expect(noToken.standardError.contains("no bearer token on standard input"))
            let twoLines = try await set("https://203.0.113.10/cb", input: "a\nb", environment: environment)
            #expect(twoLines.status == 78)
            let badType = try await set("https://203.0.113.10/cb", type: "status", environment: environment)
            #expect(badType.status == 64)
            #expect(badType.standardError.contains("give delivery-status or complaint"))
            #expect(try await PostgresServiceCallbacks(workers: database.workers).list().map(\.url) == ["http://127.0.0.1:9000/cb"])
        }
    }
}
