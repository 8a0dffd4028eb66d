import CallbackStore
import Foundation
import Testing
import TestSupport

@Suite("PostgreSQL connections")
struct ConnectionTests {
    @Test("a conninfo string works as well as a URI")
    func conninfoString() async throws {
        try await TestDatabase.with { database in
            let components = try #require(URLComponents(string: database.url))
            let conninfo = "host=\(components.host ?? "") port=\(components.port ?? 5432) user=\(components.user ?? "postgres") dbname=\(components.path.dropFirst())"
            let workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: conninfo, poolSize: 1))
            let result = try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT current_database() AS name") }
            await workers.shutdownAndWait()
            #expect(result.value("name") == String(components.path.dropFirst()))
        }
    }

    @Test("commits wait for the WAL flush unless the configuration says they need not")
    func waitsForFlush() async throws {
        try await TestDatabase.with { database in
            // The test server's own setting (scripts/test's is the default, on).
            let serverDefault = try await database.query("SELECT current_setting('synchronous_commit') AS setting").value("setting")
            for waits in [true, false] {
                var configuration = DatabaseConfiguration(connectionString: database.url, poolSize: 1)
                configuration.waitsForFlush = waits
                let workers = DatabaseWorkers(configuration: configuration)
                let result = try await workers.run { connection throws(DatabaseError) in
                    try connection.execute("SELECT current_setting('synchronous_commit') AS setting")
                }
                await workers.shutdownAndWait()
                #expect(result.value("setting") == (waits ? serverDefault : "off"))
            }
        }
    }

    @Test("nothing listening: a clear error at once, without the password")
    func refused() async throws {
        let port = try FreePort.find()
        let workers = DatabaseWorkers(configuration: DatabaseConfiguration(
            connectionString: "postgresql://gateway:s3cret-pw@127.0.0.1:\(port)/none", poolSize: 1, connectTimeout: 60))
        let started = ContinuousClock.now
        let error = await #expect(throws: DatabaseError.self) {
            try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT 1") }
        }
        await workers.shutdownAndWait()
        // Far below the connect timeout, and far above what a busy parallel test run adds: a refusal is told from a
        // wait for the timeout without a bound the machine's load can break.
        #expect(ContinuousClock.now - started < .seconds(20))
        let message = try #require(error).description
        #expect(message.contains("127.0.0.1"))
        #expect(message.contains("DATABASE_URL"))
        #expect(!message.contains("s3cret-pw"))
    }

    @Test("a host that accepts but never answers fails within the connect timeout")
    func silentHost() async throws {
        let listener = try SilentServer()
        defer { listener.close() }
        let workers = DatabaseWorkers(configuration: DatabaseConfiguration(
            connectionString: "postgresql://postgres@127.0.0.1:\(listener.port)/none", poolSize: 1, connectTimeout: 2))
        let started = ContinuousClock.now
        await #expect(throws: DatabaseError.self) {
            try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT 1") }
        }
        await workers.shutdownAndWait()
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .seconds(1), "it really waited for an answer")
        #expect(elapsed < .seconds(8))
    }

    @Test("a malformed DATABASE_URL is named as such")
    func malformed() async throws {
        let workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: "postgresql://host:notaport/db", poolSize: 1))
        let error = await #expect(throws: DatabaseError.self) {
            try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT 1") }
        }
        await workers.shutdownAndWait()
        #expect(try #require(error).description.contains("DATABASE_URL"))
    }

    @Test("a statement over the bound is cancelled, and the next one gets a fresh connection")
    func statementTimeout() async throws {
        try await TestDatabase.with { database in
            let workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1, statementTimeout: 1))
            let started = ContinuousClock.now
            await #expect(throws: DatabaseError.timedOut(seconds: 1)) {
                try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT pg_sleep(30)") }
            }
            // Well under the 30 s sleep, with room for a machine busy with other work.
            #expect(ContinuousClock.now - started < .seconds(15))
            let after = try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT 42 AS answer") }
            #expect(after.value("answer") == "42")
            await workers.shutdownAndWait()
        }
    }

    @Test("a server that drops the connection while it is idle is reconnected to without an error")
    func reconnectsAfterTermination() async throws {
        try await TestDatabase.with { database in
            let workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1))
            let first = try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT pg_backend_pid() AS pid") }
            let pid = try #require(first.value("pid"))
            try await database.query("SELECT pg_terminate_backend($1::integer)", [pid])
            try await Task.sleep(for: .milliseconds(200))
            let second = try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT pg_backend_pid() AS pid") }
            #expect(second.value("pid") != pid)
            await workers.shutdownAndWait()
        }
    }

    @Test("a session the server ends during a statement fails that statement only; the next one reconnects")
    func terminatedMidStatement() async throws {
        try await TestDatabase.with { database in
            let workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1))
            let pid = try #require(try await workers.run { connection throws(DatabaseError) in
                try connection.execute("SELECT pg_backend_pid() AS pid")
            }.value("pid"))
            let sleeping = Task { try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT pg_sleep(20)") } }
            // Wait until the statement is running before ending its session.
            for _ in 0..<100 {
                let active = try await database.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1::integer AND query LIKE 'SELECT pg_sleep%'", [pid])
                if active.value("n") == "1" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            try await database.query("SELECT pg_terminate_backend($1::integer)", [pid])
            await #expect(throws: DatabaseError.self) { _ = try await sleeping.value }
            let after = try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT 7 AS seven") }
            #expect(after.value("seven") == "7")
            await workers.shutdownAndWait()
        }
    }

    @Test("text with a NUL character is refused, not truncated")
    func nulParameter() async throws {
        try await TestDatabase.with { database in
            await #expect(throws: DatabaseError.self) {
                try await database.query("SELECT $1::text AS value", ["a\u{0}b"])
            }
        }
    }

    @Test("parameters reach the server exactly: NULL, empty, non-ASCII, long, and several side by side")
    func parametersExactly() async throws {
        try await TestDatabase.with { database in
            let long = String(repeating: "receipt-body ", count: 5_000)
            let parameters: [String?] = [nil, "", "a", "Zoë ✓ 𝄞", long, nil, "last"]
            let columns = parameters.indices.map { "$\($0 + 1)::text AS p\($0)" }.joined(separator: ", ")
            let result = try await database.query("SELECT \(columns)", parameters)
            #expect(result.rows == [parameters])
            let none = try await database.query("SELECT $1::text IS NULL AS null, $2::text IS NULL AS also", [nil, nil])
            #expect(none.rows == [["t", "t"]])
        }
    }
}

@Suite("Worker pool under an outage")
struct WorkerPoolOutageTests {
    @Test("work queued behind a failed connect fails at once with the same reason, not one connect timeout each")
    func failFast() async throws {
        let listener = try SilentServer()
        defer { listener.close() }
        let workers = DatabaseWorkers(configuration: DatabaseConfiguration(
            connectionString: "postgresql://postgres@127.0.0.1:\(listener.port)/none", poolSize: 1, connectTimeout: 2))
        let outcomes = await withTaskGroup(of: (DatabaseError?, Duration).self) { group in
            for _ in 0..<6 {
                group.addTask {
                    let started = ContinuousClock.now
                    do throws(DatabaseError) {
                        _ = try await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT 1") }
                        return (nil, ContinuousClock.now - started)
                    } catch {
                        return (error, ContinuousClock.now - started)
                    }
                }
            }
            return await group.reduce(into: [(DatabaseError?, Duration)]()) { $0.append($1) }
        }
        await workers.shutdownAndWait()
        #expect(outcomes.allSatisfy { $0.0 != nil })
        // One connect attempt times out (about 2 s); the five behind it do not each wait another 2 s.
        #expect(outcomes.map { $0.1 }.max().map { $0 < .seconds(6) } == true)
    }

    @Test("a full queue refuses more work as unavailable instead of growing")
    func boundedQueue() async throws {
        try await TestDatabase.with { database in
            let workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: database.url, poolSize: 1, maximumQueuedJobs: 2))
            let results = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        (try? await workers.run { connection throws(DatabaseError) in try connection.execute("SELECT pg_sleep(0.2)") }) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            await workers.shutdownAndWait()
            #expect(results.contains(true))
            #expect(results.contains(false))
        }
    }
}
