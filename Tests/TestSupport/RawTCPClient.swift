import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP client that sends exactly the bytes it is given, when it is told to: for tests of clients that are slow
/// or stop half-way, which a real HTTP client cannot be made to do. Blocking calls run on a thread of its own.
public final class RawTCPClient: @unchecked Sendable {
    private let descriptor: Int32

    /// Connects to 127.0.0.1:`port`.
    public init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError("cannot open a TCP socket") }
        guard LocalSocket.connect(descriptor, toLoopbackPort: port) == 0 else {
            Glibc.close(descriptor)
            throw TestSetupError("cannot connect to 127.0.0.1:\(port)")
        }
    }

    deinit { Glibc.close(descriptor) }

    /// Sends bytes; `false` when the peer has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Closes the sending side, as a client that gives up on its request does; answers can still be read.
    public func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Waits until the peer closes the connection, at most `limit`; returns what it sent and whether it closed.
    public func waitForClose(upTo limit: Duration) async -> (received: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            let thread = Thread { [descriptor] in
                var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let deadline = ContinuousClock.now.advanced(by: limit)
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while ContinuousClock.now < deadline {
                    let count = recv(descriptor, &buffer, buffer.count, 0)
                    if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                        continuation.resume(returning: (String(decoding: received, as: UTF8.self), true))
                        return
                    }
                    if count > 0 { received += buffer[0..<count] }
                }
                continuation.resume(returning: (String(decoding: received, as: UTF8.self), false))
            }
            thread.start()
        }
    }
}
