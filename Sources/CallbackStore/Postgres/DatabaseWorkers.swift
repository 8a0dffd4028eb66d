import Foundation

/// A fixed set of threads, each owning one PostgreSQL connection, that take database work from one queue.
///
/// libpq blocks, and Swift's cooperative pool has as many threads as cores: a blocking call there would stall
/// every request. Work is therefore handed to these threads and awaited through a continuation. A unit of work is
/// a synchronous closure that receives the connection, so a transaction of several statements runs on one
/// connection without any other request interleaving.
public final class DatabaseWorkers: Sendable {
    private let queue = JobQueue()
    private let running = DispatchGroup()
    /// The configuration the workers connect with.
    public let configuration: DatabaseConfiguration

    /// Starts `configuration.poolSize` worker threads. Connections are opened on first use and reopened after
    /// they break, so the gateway recovers by itself once the database is back.
    public init(configuration: DatabaseConfiguration) {
        self.configuration = configuration
        for index in 0..<max(configuration.poolSize, 1) {
            running.enter()
            let thread = Thread { [queue, running] in
                let slot = ConnectionSlot(configuration: configuration)
                while let job = queue.next() { job(slot) }
                slot.close()
                running.leave()
            }
            thread.name = "postgres-\(index)"
            thread.start()
        }
    }

    deinit { queue.close() }

    /// Runs `work` on a worker thread with a live connection and returns its result.
    ///
    /// - Throws: ``DatabaseError`` from connecting or from `work`; ``DatabaseError/shuttingDown`` after
    ///   ``shutdown()``.
    public func run<T: Sendable>(
        _ work: @escaping @Sendable (PostgresConnection) throws(DatabaseError) -> T
    ) async throws(DatabaseError) -> T {
        let result: Result<T, DatabaseError> = await withCheckedContinuation { continuation in
            let accepted = queue.enqueue { slot in
                do throws(DatabaseError) {
                    let connection = try slot.connection()
                    continuation.resume(returning: .success(try work(connection)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            if !accepted { continuation.resume(returning: .failure(.shuttingDown)) }
        }
        return try result.get()
    }

    /// Stops taking work. Work already queued still runs; then the threads close their connections and end.
    public func shutdown() { queue.close() }

    /// Stops taking work and returns once queued work has run and every connection is closed.
    public func shutdownAndWait() async {
        queue.close()
        await withCheckedContinuation { continuation in
            running.notify(queue: .global()) { continuation.resume() }
        }
    }
}

/// The connection a worker thread owns, opened lazily and replaced when broken.
final class ConnectionSlot {
    private let configuration: DatabaseConfiguration
    private var current: PostgresConnection?

    init(configuration: DatabaseConfiguration) {
        self.configuration = configuration
    }

    func connection() throws(DatabaseError) -> PostgresConnection {
        if let current, current.isUsable() { return current }
        current?.close()
        current = nil
        let fresh = try PostgresConnection(configuration: configuration)
        current = fresh
        return fresh
    }

    func close() {
        current?.close()
        current = nil
    }
}

/// Jobs waiting for a worker thread.
final class JobQueue: @unchecked Sendable {
    typealias Job = @Sendable (ConnectionSlot) -> Void

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var closed = false

    /// Adds a job; `false` when the queue is closed.
    func enqueue(_ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// The next job, waiting for one; `nil` once the queue is closed and empty.
    func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closed { condition.wait() }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
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
