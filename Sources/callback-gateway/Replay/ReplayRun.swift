import CallbackCore
import Foundation

/// Sends fixtures in file order, or up to `concurrency` at once, no faster than `rate` per second, and returns the
/// answers in file order.
///
/// A sequence (`03-pending-then-failed-1-of-2`, `04-...-2-of-2`) is one lane: its files are sent one after another,
/// in order, whatever the concurrency, since each expects the answer its place in the sequence gives (a resend is a
/// duplicate only after the original; a replayed token is refused only after its first use).
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
        let lanes = Self.lanes(of: entries)
        // Nothing more is worth sending to a gateway that cannot be reached: the first Unreachable stops the run.
        let answered = try await ConcurrentWork.map(lanes, width: concurrency) { [sender] _, lane throws(ReplaySender.Unreachable) in
            var results: [ReplayResult] = []
            for index in lane {
                if let rate { try? await Task.sleep(until: started.advanced(by: .seconds(Double(index) / rate))) }
                let result = try await sender.send(entries[index])
                onEach(result)
                results.append(result)
            }
            return results
        }
        var ordered = [ReplayResult?](repeating: nil, count: entries.count)
        for (lane, results) in zip(lanes, answered) {
            for (index, result) in zip(lane, results) { ordered[index] = result }
        }
        return ordered.compactMap { $0 }
    }

    /// The entries' indices by lane, in file order: the files of one sequence (`NN-name-K-of-M.receipt` in one
    /// folder) share a lane; every other file has its own.
    static func lanes(of entries: [FixtureSet.Entry]) -> [[Int]] {
        var lanes: [[Int]] = []
        var laneOfSequence: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            guard let sequence = sequenceName(entry.path) else {
                lanes.append([index])
                continue
            }
            if let lane = laneOfSequence[sequence] {
                lanes[lane].append(index)
            } else {
                laneOfSequence[sequence] = lanes.count
                lanes.append([index])
            }
        }
        return lanes
    }

    /// `folder/name` for `folder/NN-name-K-of-M.receipt`, else `nil`.
    static func sequenceName(_ path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        guard let match = stem.wholeMatch(of: /[0-9]+-(.+)-[0-9]+-of-[0-9]+/) else { return nil }
        return url.deletingLastPathComponent().path + "/" + match.output.1
    }
}
