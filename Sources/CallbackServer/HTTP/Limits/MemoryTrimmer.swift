import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Gives the C allocator's free memory back to the system after a flood of connections has gone.
///
/// Thousands of connections at once (a flood of idle or slow clients, which the ``ConnectionTable`` bounds) take
/// memory in many small pieces across the allocator's per-thread arenas; once they close, glibc keeps most of it
/// mapped, so the process would stay at its flood size and creep up from flood to flood. Every `interval`, when at
/// least `threshold` more connections were open at some moment than are open now, `malloc_trim(0)` hands whole free
/// pages back. It costs a few milliseconds and never runs while connections stay steady.
struct MemoryTrimmer: Service {
    let table: ConnectionTable
    let logger: Logger
    var interval: Duration = .seconds(5)
    var threshold = 500

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            let (highest, open) = table.takeHighWater()
            if highest - open >= threshold {
                Self.trim()
                logger.debug("free memory handed back after connections closed", metadata: [
                    "connections_highest": .stringConvertible(highest), "connections_open": .stringConvertible(open),
                ])
            }
        }
    }

    /// `malloc_trim(0)` where the C library has it (glibc; Glibc's module does not export it, so it is looked up).
    static func trim() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
