import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Gives the C allocator's free memory back to the system after a flood of connections has gone.
///
/// Thousands of connections at once (a flood of idle or slow clients, which the ``ConnectionTable`` bounds) take
/// memory in many small pieces across the allocator's per-thread arenas; once they close, glibc keeps most of it
/// mapped, so the process would stay at its flood size and creep up from flood to flood. Every `interval`, when
/// ``MemoryTrimSchedule`` says so, `malloc_trim(0)` hands whole free pages back. It costs a few milliseconds and never
/// runs while connections stay steady.
struct MemoryTrimmer: Service {
    let table: ConnectionTable
    let logger: Logger
    var interval: Duration = .seconds(5)
    var threshold = 500

    func run() async throws {
        var schedule = MemoryTrimSchedule(threshold: threshold)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            let (highest, open) = table.takeHighWater()
            if schedule.shouldTrim(highest: highest, open: open) {
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

/// When ``MemoryTrimmer`` trims: at a look that finds at least `threshold` fewer connections open than the most
/// open since the look before, and once more at the look after it. The second trim is for what a flood's connections
/// still held at the first: a connection leaves the ``ConnectionTable`` as it closes, but its buffers and handlers are
/// freed a little later, and a look that falls between the two trimmed too early. Seen: a gateway kept 30 to 60 MiB
/// of a flood of 4,000 connections mapped until the next flood, because no later look found enough closed connections
/// to trim again.
public struct MemoryTrimSchedule: Sendable {
    /// How many fewer connections than the most since the last look make a trim.
    public let threshold: Int
    private var trimmedLastLook = false

    /// A schedule that trims after `threshold` connections have closed.
    public init(threshold: Int) {
        self.threshold = threshold
    }

    /// Whether to trim at this look, given the most connections open since the last look and those open now.
    public mutating func shouldTrim(highest: Int, open: Int) -> Bool {
        let dropped = highest - open >= threshold
        defer { trimmedLastLook = dropped }
        return dropped || trimmedLastLook
    }
}
