import Foundation

/// A fixed set of threads, each owning one PostgreSQL connection, that take database work from one queue.
///
/// libpq blocks, and Swift's cooperative pool has as many threads as cores: a blocking call there would stall
/// every request. Work is therefore handed to these threads and awaited through a continuation. A unit of work is
/// a synchronous closure that receives the connection, so a transaction of several statements runs on one
/// connection without any other request interleaving.
public final class DatabaseWorkers: Sendable {
    private let queue: JobQueue
    private let breaker = ConnectBreaker()
    private let running = DispatchGroup()
    /// The configuration the workers connect with.
    public let configuration: DatabaseConfiguration

    /// Starts `configuration.poolSize` worker threads. Connections are opened on first use and reopened after
    /// they break, so the gateway recovers by itself once the database is back.
    public init(configuration: DatabaseConfiguration) {
        self.configuration = configuration
        self.queue = JobQueue(capacity: configuration.maximumQueuedJobs)
        for index in 0..<max(configuration.poolSize, 1) {
            running.enter()
            let thread = Thread { [queue, breaker, running] in
                let slot = ConnectionSlot(configuration: configuration, breaker: breaker)
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
    /// - Throws: ``DatabaseError`` from connecting or from `work`; ``DatabaseError/unavailable(_:)`` at once while
    ///   the database was just found unreachable, or when too much work already waits;
    ///   ``DatabaseError/shuttingDown`` after ``shutdown()``.
    public func run<T: Sendable>(
        _ work: @escaping @Sendable (PostgresConnection) throws(DatabaseError) -> T
    ) async throws(DatabaseError) -> T {
        if let error = breaker.openError() { throw error }
        let result: Result<T, DatabaseError> = await withCheckedContinuation { continuation in
            let refusal = queue.enqueue { slot in
                do throws(DatabaseError) {
                    let connection = try slot.connection()
                    continuation.resume(returning: .success(try work(connection)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            if let refusal { continuation.resume(returning: .failure(refusal)) }
        }
        return try result.get()
    }

    /// Queues `work` for a worker thread without waiting for it: `work` receives the thread's connection, or why
    /// there is none. Returns why the work was refused (too much waiting, or shut down), or `nil` when it was queued.
    func submit(_ work: @escaping @Sendable (Result<PostgresConnection, DatabaseError>) -> Void) -> DatabaseError? {
        queue.enqueue { slot in
            do throws(DatabaseError) {
                work(.success(try slot.connection()))
            } catch {
                work(.failure(error))
            }
        }
    }

    /// The error to fail with at once while the database was just found unreachable; `nil` otherwise.
    func unreachableError() -> DatabaseError? { breaker.openError() }

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
