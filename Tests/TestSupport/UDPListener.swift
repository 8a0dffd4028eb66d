import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A UDP socket on 127.0.0.1 (ephemeral port) that keeps every datagram it receives, standing in for a StatsD
/// server in tests.
///
/// Receiving blocks, so it happens on a dedicated thread with a short receive timeout, never on Swift's
/// cooperative pool; that thread checks for ``close()`` after every timeout and closes the socket itself, so the
/// descriptor is never closed under a pending `recv`. Use ``withListener(_:)`` so the thread never outlives the
/// test, even when the test throws.
public final class UDPListener: Sendable {
    /// The port the listener is bound to.
    public let port: Int
    private let inbox: Inbox

    /// Binds to 127.0.0.1 on a port the system picks and starts receiving.
    public init() throws {
        let descriptor = try Self.bind()
        port = LocalSocket.port(of: descriptor)
        inbox = Inbox()
        let thread = Thread { [inbox] in inbox.receive(from: descriptor) }
        thread.name = "udp-listener-\(port)"
        thread.start()
    }

    deinit { inbox.stop() }

    /// Runs `body` with a fresh listener and closes it afterwards, whatever happens.
    public static func withListener<T>(_ body: (UDPListener) async throws -> T) async throws -> T {
        let listener = try UDPListener()
        do {
            let result = try await body(listener)
            await listener.close()
            return result
        } catch {
            await listener.close()
            throw error
        }
    }

    /// Every datagram received so far, in order of arrival.
    public var datagrams: [String] { inbox.datagrams.withLock { $0 } }

    /// Every line received so far: the datagrams split at newlines.
    public var lines: [String] { datagrams.flatMap { $0.split(separator: "\n").map(String.init) } }

    /// Waits until `condition` holds for the lines received, or `limit` has passed, and returns the lines.
    public func lines(waitingUpTo limit: Duration, until condition: ([String]) -> Bool) async -> [String] {
        await poll(every: .milliseconds(5), upTo: limit) {
            let current = lines
            return condition(current) ? current : nil
        } ?? lines
    }

    /// Collects lines for `duration` and returns them, for checking that something did *not* arrive.
    public func lines(after duration: Duration) async -> [String] {
        try? await Task.sleep(for: duration)
        return lines
    }

    /// Stops the receiving thread and returns once it has closed the socket.
    public func close() async {
        inbox.stop()
        while !inbox.finished.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// A UDP port on 127.0.0.1 that nothing listens on: bound by the system, then released.
    public static func closedPort() throws -> Int {
        let listener = try Self.bind()
        defer { _ = closeDescriptor(listener) }
        return LocalSocket.port(of: listener)
    }

    private static func bind() throws -> Int32 {
        #if canImport(Darwin)
        let descriptor = socket(AF_INET, SOCK_DGRAM, 0)
        #else
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard descriptor >= 0 else { throw TestSetupError("cannot open a UDP socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bindDescriptor(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            _ = closeDescriptor(descriptor)
            throw TestSetupError("cannot bind a UDP socket to 127.0.0.1")
        }
        // Room for a burst of datagrams while the test is not reading, and a timeout so the thread sees close().
        var bufferSize: Int32 = 4 * 1024 * 1024
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bufferSize, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 0, tv_usec: 20_000)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }
}

/// What the receiving thread shares with the listener; separate from it so the thread does not keep the listener
/// alive, and `deinit` can still tell the thread to stop.
private final class Inbox: Sendable {
    let datagrams = Mutex<[String]>([])
    let stopping = Mutex(false)
    let finished = Mutex(false)

    func stop() { stopping.withLock { $0 = true } }

    func receive(from descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !stopping.withLock({ $0 }) {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                let datagram = String(decoding: buffer[0..<count], as: UTF8.self)
                datagrams.withLock { $0.append(datagram) }
            }
        }
        _ = closeDescriptor(descriptor)
        finished.withLock { $0 = true }
    }
}

// At file scope, where `close` and `bind` still mean the C functions rather than the listener's methods.
private func closeDescriptor(_ descriptor: Int32) -> Int32 { close(descriptor) }

private func bindDescriptor(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    bind(descriptor, address, length)
}
