import CallbackStore
import Foundation

/// Opens the database for a one-off command, with errors an operator can act on.
enum Database {
    /// The database settings from flags and environment; a bad one is reported and exits 78.
    static func configuration(_ options: DatabaseOptions) throws -> DatabaseConfiguration {
        do {
            return try options.resolve(ProcessInfo.processInfo.environment)
        } catch {
            Failure.report("\(error)")
            throw Failure.configuration
        }
    }

    /// Runs `body` with workers on the configured database (migrated first when `migrate` is set) and shuts them
    /// down afterwards.
    static func withWorkers<T>(
        _ options: DatabaseOptions, migrate: Bool = false, poolSize: Int? = nil, _ body: (DatabaseWorkers) async throws -> T
    ) async throws -> T {
        var settings = try configuration(options)
        if let poolSize { settings.poolSize = poolSize }
        let workers = DatabaseWorkers(configuration: settings)
        defer { workers.shutdown() }
        do {
            if migrate { _ = try await Migrator(workers: workers).migrate() }
            return try await body(workers)
        } catch let error as DatabaseError {
            Failure.report("\(error)")
            throw Failure.runtime
        }
    }
}
