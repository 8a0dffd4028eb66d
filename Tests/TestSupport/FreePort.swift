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
