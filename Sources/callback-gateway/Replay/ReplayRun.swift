import CallbackCore
import Foundation

/// Sends fixtures in file order, or up to `concurrency` at once, no faster than `rate` per second, and returns the
/// answers in file order.
struct ReplayRun: Sendable {
    let sender: ReplaySender
    let concurrency: Int
    let rate: Double?

    func send(
        _ entries: [FixtureSet.Entry],
        onEach: @escaping @Sendable (ReplayResult) -> Void
    ) async throws(ReplaySender.Unreachable) -> [ReplayResult] {
        let started = ContinuousClock.now
        let rate = rate
        // Nothing more is worth sending to a gateway that cannot be reached: the first Unreachable stops the run.
        return try await ConcurrentWork.map(entries, width: concurrency, onEach: onEach) { [sender] index, entry throws(ReplaySender.Unreachable) in
            if let rate { try? await Task.sleep(until: started.advanced(by: .seconds(Double(index) / rate))) }
            return try await sender.send(entry)
        }
    }
}
