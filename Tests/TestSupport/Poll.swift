/// Waits for something that arrives in its own time (a process's output, a request, a row): asks `check` every
/// `interval` until it answers, for up to `limit`, and once more after that.
///
/// The last look is the point: with the whole suite running on two cores, a waiting task can wake long after its
/// deadline, and what arrived meanwhile must count rather than fail the test.
public func poll<Answer>(
    every interval: Duration = .milliseconds(10),
    upTo limit: Duration,
    _ check: () async throws -> Answer?
) async rethrows -> Answer? {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while true {
        let late = ContinuousClock.now >= deadline || Task.isCancelled
        if let answer = try await check() { return answer }
        if late { return nil }
        try? await Task.sleep(for: interval)
    }
}
