import Foundation

/// Sends fixtures in file order, or up to `concurrency` at once, no faster than `rate` per second, and returns the
/// answers in file order.
struct ReplayRun: Sendable {
    let sender: ReplaySender
    let concurrency: Int
    let rate: Double?

    private typealias Answer = (index: Int, result: Result<ReplayResult, ReplaySender.Unreachable>)

    func send(
        _ entries: [FixtureSet.Entry],
        onEach: @escaping @Sendable (ReplayResult) -> Void
    ) async throws(ReplaySender.Unreachable) -> [ReplayResult] {
        let started = ContinuousClock.now
        var results = [ReplayResult?](repeating: nil, count: entries.count)
        var failure: ReplaySender.Unreachable?
        await withTaskGroup(of: Answer.self) { group in
            var next = 0
            while next < min(concurrency, entries.count) {
                add(entries[next], index: next, started: started, to: &group)
                next += 1
            }
            while let answer = await group.next() {
                switch answer.result {
                case .success(let result):
                    results[answer.index] = result
                    onEach(result)
                    if next < entries.count && failure == nil {
                        add(entries[next], index: next, started: started, to: &group)
                        next += 1
                    }
                case .failure(let error):
                    // Nothing more is worth sending to a gateway that cannot be reached.
                    if failure == nil { failure = error }
                    group.cancelAll()
                }
            }
        }
        if let failure { throw failure }
        return results.compactMap { $0 }
    }

    private func add(_ entry: FixtureSet.Entry, index: Int, started: ContinuousClock.Instant, to group: inout TaskGroup<Answer>) {
        let startAt = rate.map { started.advanced(by: .seconds(Double(index) / $0)) }
        group.addTask { [sender] in
            if let startAt { try? await Task.sleep(until: startAt) }
            do throws(ReplaySender.Unreachable) {
                return (index, .success(try await sender.send(entry)))
            } catch {
                return (index, .failure(error))
            }
        }
    }
}
