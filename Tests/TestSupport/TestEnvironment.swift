import Foundation

/// Where the tests find PostgreSQL. `scripts/test` starts a throwaway cluster and sets these; there is no silent
/// skip: without a database every database test fails with this message.
public enum TestEnvironment {
    /// A superuser connection to the test cluster; each test creates its own database through it.
    public static var adminURL: String {
        get throws {
            let environment = ProcessInfo.processInfo.environment
            if let url = environment["CALLBACK_TEST_DATABASE_URL"], !url.isEmpty { return url }
            throw TestSetupError(
                "CALLBACK_TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts a throwaway PostgreSQL, or point it at a superuser connection (postgresql://postgres@127.0.0.1:5432/postgres)"
            )
        }
    }

    /// The folder of PostgreSQL's server programs, for tests that start and stop a cluster of their own.
    public static var postgresBinDirectory: String {
        get throws {
            let environment = ProcessInfo.processInfo.environment
            if let directory = environment["CALLBACK_TEST_PG_BINDIR"], !directory.isEmpty { return directory }
            for candidate in ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"]
            where FileManager.default.fileExists(atPath: candidate + "/pg_ctl") {
                return candidate
            }
            throw TestSetupError("CALLBACK_TEST_PG_BINDIR is not set and pg_ctl was not found: run the tests with scripts/test")
        }
    }
}

/// A test could not set up what it needs; the message says what to do.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
