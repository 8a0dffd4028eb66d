import ArgumentParser
import CallbackStore
import Foundation

/// `callback-gateway migrate`: create or update the schema; safe to run again and from several replicas.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or update the database schema (idempotent)."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try Database.configuration(database)
        let workers = DatabaseWorkers(configuration: DatabaseConfiguration(
            connectionString: configuration.connectionString,
            poolSize: 1,
            connectTimeout: configuration.connectTimeout,
            statementTimeout: max(configuration.statementTimeout, 60)
        ))
        defer { workers.shutdown() }
        do {
            let applied = try await Migrator(workers: workers).migrate()
            if applied.isEmpty {
                print("schema is up to date")
            } else {
                for migration in applied { print("applied migration \(migration.version): \(migration.name)") }
            }
        } catch {
            Failure.report("migration failed: \(error)")
            throw Failure.runtime
        }
    }
}
