#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Sends datagrams to the current StatsD address through one non-blocking UDP socket.
///
/// Non-blocking because a full socket buffer must drop a metric rather than stall the request that produced it.
/// The socket is opened for the address family of the current address and replaced when a new address has another
/// family; sends and that swap share one lock, so a send never uses a descriptor that is being closed.
final class UDPSocket: Sendable {
    /// What became of one datagram.
    enum Outcome: Equatable {
        case sent
        /// No address yet (the host has not resolved): dropped, and the resolver already said so.
        case noDestination
        /// `socket` or `sendto` failed with this `errno`: dropped.
        case failed(Int32)
    }

    private struct State {
        var address: StatsDAddress?
        var descriptor: Int32 = -1
        var family: Int32 = -1
    }

    private let state = Mutex(State())

    init() {}

    deinit {
        state.withLock { if $0.descriptor >= 0 { _ = close($0.descriptor) } }
    }

    /// Sends later datagrams to `address`.
    func use(_ address: StatsDAddress) {
        state.withLock { state in
            state.address = address
            if state.family != address.family, state.descriptor >= 0 {
                _ = close(state.descriptor)
                state.descriptor = -1
            }
        }
    }

    /// Sends one datagram, without ever waiting.
    func send(_ payload: String) -> Outcome {
        state.withLock { state in
            guard var address = state.address else { return .noDestination }
            if state.descriptor < 0 {
                guard let descriptor = Self.open(family: address.family) else { return .failed(errno) }
                state.descriptor = descriptor
                state.family = address.family
            }
            let descriptor = state.descriptor
            var payload = payload
            let result = payload.withUTF8 { bytes in
                withUnsafePointer(to: &address.storage) { storage in
                    storage.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(descriptor, bytes.baseAddress, bytes.count, Self.sendFlags, $0, address.length)
                    }
                }
            }
            return result < 0 ? .failed(errno) : .sent
        }
    }

    /// The system's words for an `errno`, for logs.
    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text) + " (errno \(code))"
    }

    private static func open(family: Int32) -> Int32? {
        #if canImport(Darwin)
        let descriptor = socket(family, SOCK_DGRAM, 0)
        #else
        let descriptor = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        #endif
        guard descriptor >= 0 else { return nil }
        let flags = fcntl(descriptor, F_GETFL, 0)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else {
            let failure = errno
            _ = close(descriptor)
            errno = failure
            return nil
        }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        #if canImport(Darwin)
        // Darwin has no MSG_NOSIGNAL; UDP raises no SIGPIPE anyway, but say so once for the socket.
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        return descriptor
    }

    #if canImport(Darwin)
    private static let sendFlags: Int32 = 0
    #else
    private static let sendFlags = Int32(MSG_NOSIGNAL)
    #endif
}
