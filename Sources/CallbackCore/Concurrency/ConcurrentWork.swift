/// Runs one piece of async work per element, at most `width` at once, and gives back the answers in the elements'
/// order, whatever order they finish in.
///
/// ```
/// elements ──► up to `width` child tasks ──► Finished(index, result) ──► answers[index] ──► [Answer] in order
///                    ▲                                 │
///                    └──── the next element starts ◄───┘  (none after the first failure, which is thrown)
/// ```
///
/// Each child task binds its work's answer with `let` before it wraps it, and hands back a named struct rather than
/// a tuple: under `-O`, Swift 6.3.1 can corrupt the part of a tuple built before a suspension when the rest comes
/// after it (`(index, try await work())` came back with index 0 for every answer; swiftlang/swift#91911).
/// `docs/decisions.md` has the details; `OptimizerTupleTests` keeps both shapes.
public enum ConcurrentWork {
    /// Calls `work(index, element)` for every element, at most `width` calls in flight, and returns the answers in
    /// the elements' order.
    ///
    /// After the first failure no further element is started; calls already in flight finish, their answers are
    /// dropped, and the failure is thrown.
    ///
    /// - Parameters:
    ///   - elements: the inputs, in the order the answers come back in.
    ///   - width: the most calls in flight at once (at least 1).
    ///   - onEach: called with each answer as it arrives, in the order they finish (for progress reports).
    ///   - work: the call; it receives the element's index so that it can pace itself.
    public static func map<Element: Sendable, Answer: Sendable, Failure: Error>(
        _ elements: [Element],
        width: Int,
        onEach: (Answer) -> Void = { _ in },
        _ work: @escaping @Sendable (_ index: Int, _ element: Element) async throws(Failure) -> Answer
    ) async throws(Failure) -> [Answer] {
        let gathered = await withTaskGroup(of: Finished<Answer, Failure>.self) { group in
            var gathered = Gathered<Answer, Failure>(count: elements.count)
            var next = 0
            while next < min(max(width, 1), elements.count) {
                start(work, index: next, element: elements[next], in: &group)
                next += 1
            }
            while let finished = await group.next() {
                switch finished.result {
                case .success(let answer):
                    gathered.answers[finished.index] = answer
                    onEach(answer)
                    if next < elements.count && gathered.failure == nil {
                        start(work, index: next, element: elements[next], in: &group)
                        next += 1
                    }
                case .failure(let error):
                    if gathered.failure == nil { gathered.failure = error }
                    group.cancelAll()
                }
            }
            return gathered
        }
        if let failure = gathered.failure { throw failure }
        return gathered.answers.compactMap { $0 }
    }

    private static func start<Element: Sendable, Answer: Sendable, Failure: Error>(
        _ work: @escaping @Sendable (Int, Element) async throws(Failure) -> Answer,
        index: Int,
        element: Element,
        in group: inout TaskGroup<Finished<Answer, Failure>>
    ) {
        group.addTask {
            // The answer first, then the struct around it: never one value built across the `await`.
            let result: Result<Answer, Failure>
            do throws(Failure) {
                let answer = try await work(index, element)
                result = .success(answer)
            } catch {
                result = .failure(error)
            }
            return Finished(index: index, result: result)
        }
    }

    /// What a child task hands back.
    private struct Finished<Answer: Sendable, Failure: Error>: Sendable {
        let index: Int
        let result: Result<Answer, Failure>
    }

    /// What the group's body collects, returned from it rather than written into variables it captures.
    private struct Gathered<Answer, Failure: Error> {
        var answers: [Answer?]
        var failure: Failure?

        init(count: Int) {
            answers = Array(repeating: nil, count: count)
        }
    }
}
