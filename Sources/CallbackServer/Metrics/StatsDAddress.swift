#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A resolved StatsD server address, in the form `sendto` takes.
struct StatsDAddress: @unchecked Sendable {
    // @unchecked: sockaddr_storage is plain bytes, copied by value; nothing in it refers to shared memory.
    var storage: sockaddr_storage
    var length: socklen_t
    var family: Int32
    /// The numeric address and port, for logs.
    var description: String

    /// The first address `getaddrinfo` gives for a UDP socket to `host:port`, IPv4 preferred.
    ///
    /// IPv4 is preferred because StatsD daemons are commonly bound to IPv4 only, and `localhost` often resolves to
    /// `::1` first: over UDP such a mismatch would lose every metric without a single error.
    ///
    /// - Parameter numericOnly: Only accept an IP literal, which needs no I/O and so never blocks.
    /// - Returns: the address, or why there is none.
    static func resolve(host: String, port: Int, numericOnly: Bool) -> Result<StatsDAddress, StatsDResolutionError> {
        guard (0...65535).contains(port) else { return .failure(StatsDResolutionError("port \(port) is out of range")) }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_DGRAM
        #else
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        #endif
        hints.ai_protocol = Int32(IPPROTO_UDP)
        hints.ai_flags = AI_NUMERICSERV | (numericOnly ? AI_NUMERICHOST : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(StatsDResolutionError(String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(first) }
        var chosen: UnsafeMutablePointer<addrinfo>?
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let entry = candidate {
            let family = entry.pointee.ai_family
            if family == AF_INET, entry.pointee.ai_addr != nil { chosen = entry; break }
            if family == AF_INET6, entry.pointee.ai_addr != nil, chosen == nil { chosen = entry }
            candidate = entry.pointee.ai_next
        }
        guard let entry = chosen, let address = entry.pointee.ai_addr else {
            return .failure(StatsDResolutionError("no IPv4 or IPv6 address"))
        }
        var storage = sockaddr_storage()
        let length = min(Int(entry.pointee.ai_addrlen), MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: address, count: length)) }
        return .success(StatsDAddress(
            storage: storage,
            length: socklen_t(length),
            family: entry.pointee.ai_family,
            description: numericDescription(address, length: socklen_t(length))
        ))
    }

    private static func numericDescription(_ address: UnsafePointer<sockaddr>, length: socklen_t) -> String {
        var hostBuffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var portBuffer = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let flags = NI_NUMERICHOST | NI_NUMERICSERV
        guard getnameinfo(address, length, &hostBuffer, socklen_t(hostBuffer.count), &portBuffer,
                          socklen_t(portBuffer.count), flags) == 0 else { return "?" }
        let host = String(decoding: hostBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let port = String(decoding: portBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
