import Foundation

/// A PostgreSQL cluster of one test's own, for tests that stop and start the database under a running gateway.
public final class DisposableCluster: Sendable {
    public let port: Int
    public let directory: String
    private let binDirectory: String

    /// A superuser URL to the cluster's `postgres` database.
    public var url: String { "postgresql://postgres@127.0.0.1:\(port)/postgres" }

    private init(port: Int, directory: String, binDirectory: String) {
        self.port = port
        self.directory = directory
        self.binDirectory = binDirectory
    }

    /// Creates and starts a cluster; stop it with ``destroy()``.
    public static func start() async throws -> DisposableCluster {
        let binDirectory = try TestEnvironment.postgresBinDirectory
        let parent = ProcessInfo.processInfo.environment["CALLBACK_TEST_SCRATCH_DIR"] ?? NSTemporaryDirectory()
        let directory = parent + "/cluster-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try await Command.run("/bin/chown", ["postgres:", directory])
            try await Command.run("/bin/chmod", ["700", directory])
        }
        let initdb = try await Command.runAsPostgres(binDirectory + "/initdb", [
            "-D", directory, "--auth=trust", "--username=postgres", "--no-locale", "--encoding=UTF8",
        ])
        guard initdb.status == 0 else { throw TestSetupError("initdb failed: \(initdb.standardError)") }
        let cluster = DisposableCluster(port: try FreePort.belowEphemeralRange(), directory: directory, binDirectory: binDirectory)
        try await cluster.startServer()
        return cluster
    }

    /// A streaming standby of `primary`, made with `pg_basebackup -R` (its `standby.signal` and `primary_conninfo`
    /// written for it) and started on a port of its own; destroy it with ``destroy()``.
    public static func standby(of primary: DisposableCluster) async throws -> DisposableCluster {
        let binDirectory = try TestEnvironment.postgresBinDirectory
        let directory = primary.directory + "-standby-" + UUID().uuidString.prefix(4).lowercased()
        if getuid() == 0 {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try await Command.run("/bin/chown", ["postgres:", directory])
            try await Command.run("/bin/chmod", ["700", directory])
        }
        let backup = try await Command.runAsPostgres(binDirectory + "/pg_basebackup", [
            "-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-D", directory, "-R", "-X", "stream",
            "--checkpoint=fast",
        ])
        guard backup.status == 0 else { throw TestSetupError("pg_basebackup failed: \(backup.standardError)") }
        let standby = DisposableCluster(port: try FreePort.belowEphemeralRange(), directory: directory, binDirectory: binDirectory)
        try await standby.startServer()
        return standby
    }

    /// Promotes a standby to primary (`pg_ctl promote`), waiting until it accepts writes.
    public func promote() async throws {
        let promoted = try await Command.runAsPostgres(binDirectory + "/pg_ctl", ["-D", directory, "-w", "promote"])
        guard promoted.status == 0 else { throw TestSetupError("pg_ctl promote failed: \(promoted.standardOutput) \(promoted.standardError)") }
    }

    /// Starts the server again after ``stopServer(mode:)``.
    public func startServer() async throws {
        let options = "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories='\(directory)' -c fsync=off -c full_page_writes=off"
        let started = try await Command.runAsPostgres(binDirectory + "/pg_ctl", [
            "-D", directory, "-l", directory + "/server.log", "-o", options, "-w", "start",
        ])
        guard started.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw TestSetupError("pg_ctl start failed: \(started.standardOutput) \(started.standardError); the server logged: \(log.suffix(1500))")
        }
    }

    /// Stops the server; `immediate` is the hard stop of a crash. Commits are synchronous in this cluster (only
    /// fsync is off, and the operating system keeps what was written), so a crash loses nothing committed.
    public func stopServer(mode: String = "fast") async throws {
        let stopped = try await Command.runAsPostgres(binDirectory + "/pg_ctl", ["-D", directory, "-m", mode, "-w", "stop"])
        guard stopped.status == 0 else { throw TestSetupError("pg_ctl stop failed: \(stopped.standardError)") }
    }

    /// Stops the server and deletes the cluster.
    public func destroy() async {
        _ = try? await Command.runAsPostgres(binDirectory + "/pg_ctl", ["-D", directory, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `body` with a fresh cluster and destroys it afterwards, whatever happens.
    public static func with<T>(_ body: (DisposableCluster) async throws -> T) async throws -> T {
        let cluster = try await start()
        do {
            let value = try await body(cluster)
            await cluster.destroy()
            return value
        } catch {
            await cluster.destroy()
            throw error
        }
    }
}
