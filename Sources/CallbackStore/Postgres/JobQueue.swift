import Foundation

/// Jobs waiting for a worker thread: first in, first out, with a bound so that a database that cannot keep up
/// turns into quick 503s rather than an ever longer wait and ever more memory.
final class JobQueue: @unchecked Sendable {
    typealias Job = @Sendable (ConnectionSlot) -> Void

    private let capacity: Int
    // Guarded by `condition`. Taken jobs are cleared at once so that their captured bodies are released.
    private let condition = NSCondition()
    private var jobs: [Job?] = []
    private var head = 0
    private var closed = false

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// Adds a job; returns why it was refused, or `nil` when it was queued.
    func enqueue(_ job: @escaping Job) -> DatabaseError? {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return .shuttingDown }
        guard jobs.count - head < capacity else {
            return .unavailable("\(capacity) requests are already waiting for the database")
        }
        jobs.append(job)
        condition.signal()
        return nil
    }

    /// The next job, waiting for one; `nil` once the queue is closed and empty.
    func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closed { condition.wait() }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        jobs[head] = nil
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= jobs.count {
            // Under steady load the queue never empties; drop the taken prefix now and then.
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
