import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion and returns what it printed; for the tests that drive real processes.
///
/// Output goes to files, not pipes: a server a command starts (`pg_ctl start`) may inherit a pipe's write end and
/// would then keep a reader waiting for EOF forever. Waiting is asynchronous, so no test ever blocks one of
/// Swift's few cooperative threads.
public enum Command {
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `executable` with `arguments` and waits for it to exit.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> Output {
        let process = try start(executable, arguments, environment: environment)
        let status = await process.exit()
        return process.output(status: status)
    }

    /// Starts `executable` and returns at once; see ``RunningProcess``.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> RunningProcess {
        try RunningProcess(executable, arguments, environment: environment)
    }

    /// Runs a PostgreSQL server program as the `postgres` user when the tests run as root (they refuse root).
    @discardableResult
    public static func runAsPostgres(_ executable: String, _ arguments: [String]) async throws -> Output {
        if getuid() == 0 {
            return try await run("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
        }
        return try await run(executable, arguments)
    }
}

/// A child process whose output is collected in files.
///
/// Spawned with `posix_spawn` and reaped by `waitpid` on a thread of its own: Foundation's `Process` was seen to
/// leave a child unreaped (and its termination handler uncalled) when tests ran many processes at once.
public final class RunningProcess: @unchecked Sendable {
    /// The process id.
    public let pid: pid_t
    private let outputPath: String
    private let errorPath: String
    private let exited = ExitSignal()

    /// Marks every descriptor of the test process above standard error close-on-exec, so a child gets none of them.
    /// swift-nio opens its sockets without close-on-exec: a child started while another test's connection was open
    /// held a copy of it, and closing the connection in the test process sent no FIN until that child exited (seen
    /// as a receiver never told of a close the sender had made).
    private static func markDescriptorsCloseOnExec() {
        #if os(Linux)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in entries.compactMap({ Int32($0) }) where descriptor > 2 {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
        #endif
    }

    init(_ executable: String, _ arguments: [String], environment: [String: String]?) throws {
        let base = NSTemporaryDirectory() + "cbgw-cmd-" + UUID().uuidString
        outputPath = base + ".out"
        errorPath = base + ".err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        Self.markDescriptorsCloseOnExec()
        let environmentPairs = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environmentPairs.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The child starts with every signal at its default and none blocked, as from a shell: the test process may
        // ignore SIGTERM or SIGINT (a service group in it takes them over), and a shell script that starts with a
        // signal ignored cannot trap it (scripts/run forwards SIGTERM to the gateway).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestSetupError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        let thread = Thread { [exited, child] in
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            // Exit status as a shell reports it: the code, or 128 + the signal that ended the process.
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            exited.fire(code)
        }
        thread.start()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: outputPath)
        try? FileManager.default.removeItem(atPath: errorPath)
    }

    /// Sends a signal.
    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the process to exit and returns its status.
    public func exit() async -> Int32 { await exited.wait() }

    /// What the process has printed so far.
    public var standardError: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }
    public var standardOutput: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    func output(status: Int32) -> Command.Output {
        Command.Output(status: status, standardOutput: standardOutput, standardError: standardError)
    }
}

/// A one-shot signal carrying the exit status.
final class ExitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?
    private var waiters: [CheckedContinuation<Int32, Never>] = []

    func fire(_ value: Int32) {
        lock.lock()
        status = value
        let pending = waiters
        waiters = []
        lock.unlock()
        for waiter in pending { waiter.resume(returning: value) }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let status {
                lock.unlock()
                continuation.resume(returning: status)
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}
