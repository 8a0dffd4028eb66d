import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Many TCP connections to 127.0.0.1 that send what they are told and nothing more: the cheapest attack on a server
/// facing the internet (connections that never send a byte, or trickle a request a byte at a time). Every socket is
/// non-blocking and served from the calling thread or one trickle thread, so thousands cost one test no more than a
/// few threads.
public final class ConnectionFlood: @unchecked Sendable {
    private var descriptors: [Int32] = []
    private let lock = NSLock()
    private var trickling: Thread?
    private let stopTrickle = Atomic(false)

    /// Opens `count` connections to 127.0.0.1:`port`, waiting up to `limit` for them all to be established; the
    /// open-file limit of the test process is raised as far as it may go first.
    public init(count: Int, port: Int, within limit: Duration = .seconds(30)) throws {
        Self.raiseOpenFileLimit()
        var pending: [Int32] = []
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw TestSetupError("cannot open socket \(pending.count + 1) of \(count): \(String(cString: strerror(errno)))") }
            let result = LocalSocket.connect(descriptor, toLoopbackPort: port)
            guard result == 0 || errno == EINPROGRESS else {
                Glibc.close(descriptor)
                throw TestSetupError("cannot connect socket \(pending.count + 1) of \(count): \(String(cString: strerror(errno)))")
            }
            pending.append(descriptor)
        }
        descriptors = pending
        // A non-blocking connect is done when the socket is writable; the server's accept queue may take a while.
        let deadline = ContinuousClock.now.advanced(by: limit)
        var waiting = Set(pending)
        while !waiting.isEmpty {
            guard ContinuousClock.now < deadline else {
                closeAll()
                throw TestSetupError("\(waiting.count) of \(count) connections were not established within \(limit)")
            }
            var polls = waiting.prefix(4096).map { pollfd(fd: $0, events: Int16(POLLOUT), revents: 0) }
            _ = poll(&polls, nfds_t(polls.count), 100)
            for entry in polls where entry.revents != 0 {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(entry.fd, SOL_SOCKET, SO_ERROR, &error, &length)
                guard error == 0 else {
                    closeAll()
                    throw TestSetupError("a connection failed: \(String(cString: strerror(error)))")
                }
                waiting.remove(entry.fd)
            }
        }
    }

    deinit { closeAll() }

    /// The number of connections.
    public var count: Int { lock.withLock { descriptors.count } }

    /// Sends `text` on every connection; returns how many took it whole (the others were closed by the server).
    @discardableResult
    public func sendToAll(_ text: String) -> Int {
        let bytes = Array(text.utf8)
        return lock.withLock {
            descriptors.filter { descriptor in
                bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
            }.count
        }
    }

    /// From now on, sends one byte (`x`) on every connection every `interval`, on a thread of its own, until
    /// ``stopTrickling()`` or ``closeAll()``.
    public func trickle(every interval: Duration) {
        let thread = Thread { [self] in
            while !stopTrickle.load(ordering: .relaxed) {
                sendToAll("x")
                Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
            }
        }
        trickling = thread
        thread.start()
    }

    /// Stops the trickle.
    public func stopTrickling() {
        stopTrickle.store(true, ordering: .relaxed)
    }

    /// How many connections the server has not closed: a closed one reads as end of file.
    public func openCount() -> Int {
        lock.withLock {
            var open = 0
            for chunk in stride(from: 0, to: descriptors.count, by: 4096) {
                var polls = descriptors[chunk..<min(chunk + 4096, descriptors.count)].map { pollfd(fd: $0, events: Int16(POLLIN) | Self.readHangUp, revents: 0) }
                _ = poll(&polls, nfds_t(polls.count), 0)
                for entry in polls {
                    if entry.revents == 0 { open += 1; continue }
                    var byte: UInt8 = 0
                    // Readable but not at its end: the server answered something and left it open.
                    if entry.revents & (Self.readHangUp | Int16(POLLHUP) | Int16(POLLERR)) == 0, recv(entry.fd, &byte, 1, Int32(MSG_PEEK)) > 0 { open += 1 }
                }
            }
            return open
        }
    }

    /// `POLLRDHUP` (the peer closed its side), which Glibc's module does not export without `_GNU_SOURCE`.
    private static let readHangUp: Int16 = 0x2000

    /// Closes every connection.
    public func closeAll() {
        stopTrickling()
        lock.withLock {
            for descriptor in descriptors { Glibc.close(descriptor) }
            descriptors = []
        }
    }

    /// Raises this process's soft open-file limit to its hard limit.
    public static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// The resident memory of a process, from `/proc/<pid>/status`.
public enum ResidentMemory {
    /// `VmRSS` in bytes, or `nil` when the process is gone.
    public static func of(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}
