import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that accepts connections (the kernel completes the handshake from the backlog) but never
/// answers: the honest stand-in for a database host that has stopped responding.
public final class SilentServer: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError("cannot open a socket for a silent server") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            Glibc.close(descriptor)
            throw TestSetupError("cannot listen for a silent server")
        }
        self.descriptor = descriptor
        self.port = LocalSocket.port(of: descriptor)
    }

    public func close() { Glibc.close(descriptor) }
}
