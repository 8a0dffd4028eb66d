import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that nothing listens on at the moment of asking.
public enum FreePort {
    public static func find() throws -> Int {
        // Bound only while it is read: free again when the reservation goes.
        try ReservedPort().port
    }

    /// A free port below the system's ephemeral range, for a server that is stopped and started again on the same
    /// port (a PostgreSQL cluster under a running gateway). A port from the ephemeral range, as ``find()`` gives,
    /// can be taken while the server is down by the local end of any outgoing connection (the suite makes
    /// thousands) or by another test's ``find()``, and the server then cannot listen again. Neither takes a port
    /// below the range.
    public static func belowEphemeralRange() throws -> Int {
        let first = 20_000
        let last = ephemeralRangeStart() - 1
        guard last > first else { return try find() }
        for _ in 0..<500 {
            let candidate = Int.random(in: first...last)
            if canListen(on: candidate) { return candidate }
        }
        throw TestSetupError("no free TCP port on 127.0.0.1 between \(first) and \(last): stop what holds them")
    }

    /// The first port of the range the system picks local ports from (32768 when it cannot be read).
    private static func ephemeralRangeStart() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32_768
    }

    /// Whether a server could listen on `port` now, binding as PostgreSQL does (with `SO_REUSEADDR`).
    private static func canListen(on port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0 && listen(descriptor, 1) == 0
    }
}

/// A TCP port on 127.0.0.1 held bound but not listening: a connection to it is refused, and no other test can take
/// it (as one could a port merely found free) until ``release()``. For "nothing is listening there", and for a
/// receiver that comes back up on the same port.
public final class ReservedPort: @unchecked Sendable {
    /// The port.
    public let port: Int
    private var descriptor: Int32

    /// Binds a port the system picks.
    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError("cannot open a socket to reserve a port") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw TestSetupError("cannot bind a socket to reserve a port")
        }
        self.descriptor = descriptor
        port = LocalSocket.port(of: descriptor)
    }

    /// Lets the port go, for a receiver to bind it at once.
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
