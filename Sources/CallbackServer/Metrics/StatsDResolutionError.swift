#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a StatsD host name did not resolve, in `getaddrinfo`'s words.
struct StatsDResolutionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
