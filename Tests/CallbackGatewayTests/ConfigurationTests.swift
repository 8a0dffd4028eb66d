import Foundation
import Testing
import TestSupport

@Suite("callback-gateway configuration")
struct ConfigurationTests {
    @Test("a bad setting stops start-up with a message naming it and exit 78", arguments: [
        (["PORT": "abc"], "PORT is \"abc\", which is not a port; give a whole number from 1 to 65535 (set with --port or PORT)"),
        (["PORT": "70000"], "PORT is \"70000\""),
        (["MAX_BODY_BYTES": "-5"], "MAX_BODY_BYTES is \"-5\", which is not a size in bytes"),
        (["LOG_LEVEL": "loud"], "LOG_LEVEL is \"loud\"; use one of critical, debug, error, info, notice, trace, warning"),
        (["LOG_FORMAT": "xml"], "LOG_FORMAT is \"xml\"; use one of json, text"),
        (["DATABASE_POOL_SIZE": "0"], "DATABASE_POOL_SIZE is \"0\""),
        (["DATABASE_BATCH_SIZE": "0"], "DATABASE_BATCH_SIZE is \"0\""),
        (["DATABASE_BATCH_SIZE": "many"], "DATABASE_BATCH_SIZE is \"many\""),
        (["HOST": " "], "HOST is empty"),
        (["STATSD_HOST": "localhost", "STATSD_PORT": "udp"], "STATSD_PORT is \"udp\", which is not a port"),
        (["STATSD_PREFIX": "a..b"], "STATSD_PREFIX is \"a..b\"; use letters, digits, _ and - in segments separated by single dots"),
        (["MAX_CONNECTIONS": "many"], "MAX_CONNECTIONS is \"many\", which is not a number of connections"),
        (["MAX_CONNECTIONS": "0"], "MAX_CONNECTIONS is \"0\""),
        (["MAX_CONNECTIONS": "1000000"], "MAX_CONNECTIONS is 1000000, but this process may open only"),
        (["MAX_BUFFERED_BODY_BYTES": "1024"], "MAX_BUFFERED_BODY_BYTES is \"1024\", which is not a size in bytes; give a whole number from 65536"),
        (["REQUEST_READ_TIMEOUT": "0"], "REQUEST_READ_TIMEOUT is \"0\", which is not a number of seconds"),
        (["MAX_CONCURRENT_REQUESTS": "-1"], "MAX_CONCURRENT_REQUESTS is \"-1\""),
        (["DASHBOARD_PLAIN_HTTP": "on"], "DASHBOARD_PLAIN_HTTP is on but HOST is \"0.0.0.0\", not a loopback address"),
        (["DASHBOARD_PLAIN_HTTP": "on", "HOST": "10.0.0.5"], "HOST is \"10.0.0.5\", not a loopback address"),
        (["DASHBOARD_PLAIN_HTTP": "maybe", "HOST": "127.0.0.1"], "DASHBOARD_PLAIN_HTTP is \"maybe\"; use one of"),
        (["SERVICE_CALLBACK_RETRY_INITIAL": "soon"], "SERVICE_CALLBACK_RETRY_INITIAL is \"soon\", which is not a duration"),
        (["SERVICE_CALLBACK_RETRY_INITIAL": "10m", "SERVICE_CALLBACK_RETRY_MAX": "5m"], "SERVICE_CALLBACK_RETRY_MAX is shorter than SERVICE_CALLBACK_RETRY_INITIAL"),
        (["SERVICE_CALLBACK_MAX_ATTEMPTS": "0"], "SERVICE_CALLBACK_MAX_ATTEMPTS is \"0\""),
        (["SERVICE_CALLBACK_TIMEOUT": "2h"], "SERVICE_CALLBACK_TIMEOUT is \"2h\", which is not a duration"),
        (["SERVICE_CALLBACK_CA_FILE": "/nonexistent/ca.pem"], "SERVICE_CALLBACK_CA_FILE is \"/nonexistent/ca.pem\", which cannot be read"),
        (["SERVICE_CALLBACK_ENCRYPTION_KEY": "c2hvcnQ="], "SERVICE_CALLBACK_ENCRYPTION_KEY's key 1 is not 32 bytes in base64"),
        (["SERVICE_CALLBACKS": "sometimes"], "SERVICE_CALLBACKS is \"sometimes\"; use one of"),
    ])
    func badSetting(environment: [String: String], message: String) async throws {
        let output = try await Gateway.run(["serve"], environment: environment)
        #expect(output.status == 78)
        #expect(output.standardError.contains(message))
    }

    @Test("a malformed DATABASE_URL stops start-up without repeating the password")
    func malformedURL() async throws {
        let output = try await Gateway.run(["serve", "--no-migrate"], environment: ["DATABASE_URL": "postgresql://gateway:pa%zzword@127.0.0.1/db"])
        #expect(output.status == 78)
        #expect(output.standardError.contains("DATABASE_URL is not a valid libpq connection string or URI"))
        #expect(!output.standardError.contains("zzword"))
    }

    @Test("a port already in use is named, with what to do, and exit 1")
    func portInUse() async throws {
        let holder = try SilentServer()
        defer { holder.close() }
        try await TestDatabase.with { database in
            let output = try await Gateway.run(["serve"], environment: [
                "DATABASE_URL": database.url, "HOST": "127.0.0.1", "PORT": String(holder.port),
            ])
            #expect(output.status == 1)
            #expect(output.standardError.contains("cannot listen: the address is already in use"))
            #expect(output.standardError.contains("port=\(holder.port)"))
        }
    }

    @Test("replay refuses a rate or concurrency out of range, with exit 78", arguments: [
        ["--rate", "0"], ["--rate", "1e-300"], ["--concurrency", "0"], ["--concurrency", "1000"],
    ])
    func replayRanges(arguments: [String]) async throws {
        let output = try await Gateway.run(["replay"] + arguments + ["--to", "http://127.0.0.1:1", "fixtures/mmg"], environment: [:])
        #expect(output.status == 78)
        #expect(output.standardError.contains(arguments[0] + " is"))
    }

    @Test("a flag wins over its environment variable")
    func flagWins() async throws {
        let output = try await Gateway.run(["serve", "--port", "nope"], environment: ["PORT": "6011"])
        #expect(output.status == 78)
        #expect(output.standardError.contains("--port is \"nope\""))
    }

    @Test("migrate with an unreachable database fails within seconds and says what to check")
    func deadDatabase() async throws {
        let port = try FreePort.find()
        let started = ContinuousClock.now
        // A refused connection fails at once, not after the connect timeout: with that set to 60 s, the bound tells
        // the two apart and still leaves room for a slow start of the process while every other test runs.
        let output = try await Gateway.run(["migrate"], environment: [
            "DATABASE_URL": "postgresql://gateway:hunter2@127.0.0.1:\(port)/db", "DATABASE_CONNECT_TIMEOUT": "60",
        ])
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(output.status == 1)
        #expect(output.standardError.contains("DATABASE_URL"))
        #expect(!output.standardError.contains("hunter2"))
    }

    @Test("migrate takes libpq's PG* variables when DATABASE_URL is unset")
    func pgVariables() async throws {
        try await TestDatabase.with { database in
            let components = try #require(URLComponents(string: database.url))
            let output = try await Gateway.run(["migrate"], environment: [
                "PGHOST": components.host ?? "", "PGPORT": String(components.port ?? 5432),
                "PGUSER": components.user ?? "postgres", "PGDATABASE": String(components.path.dropFirst()),
            ])
            #expect(output.status == 0)
            #expect(output.standardOutput.contains("schema is up to date"))
        }
    }

    @Test("migrate creates the schema on an empty database, then finds nothing to do")
    func migrateTwice() async throws {
        try await TestDatabase.with { database in
            try await database.query("DROP TABLE notifications, notification_history, callback_receipts, complaints, schema_migrations")
            let first = try await Gateway.run(["migrate", "--database-url", database.url], environment: [:])
            #expect(first.status == 0)
            #expect(first.standardOutput.contains("applied migration 1: notifications and their history"))
            #expect(first.standardOutput.contains("applied migration 2: callback receipts and complaints"))
            let second = try await Gateway.run(["migrate", "--database-url", database.url], environment: [:])
            #expect(second.standardOutput == "schema is up to date\n")
        }
    }
}
