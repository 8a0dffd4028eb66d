import ArgumentParser
import CallbackStore
import Foundation

/// The database flags `serve` and `migrate` share.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: ArgumentHelp(
        "libpq connection string or postgresql:// URI. Env: DATABASE_URL. Unset: libpq defaults and PG* variables.",
        valueName: "url"))
    var databaseURL: String?

    @Option(name: .customLong("database-pool-size"), help: ArgumentHelp("Connections to keep open. Env: DATABASE_POOL_SIZE. Default 4.", valueName: "n"))
    var poolSize: String?

    @Option(name: .customLong("database-connect-timeout"), help: ArgumentHelp(
        "Seconds to wait for a connection. Env: DATABASE_CONNECT_TIMEOUT. Default 5.", valueName: "seconds"))
    var connectTimeout: String?

    @Option(name: .customLong("database-statement-timeout"), help: ArgumentHelp(
        "Seconds a statement may run before it is cancelled. Env: DATABASE_STATEMENT_TIMEOUT. Default 10.", valueName: "seconds"))
    var statementTimeout: String?

    @Option(name: .customLong("database-batch-size"), help: ArgumentHelp(
        "Most receipts stored together in one transaction while every connection is busy; 1 stores each alone. Env: DATABASE_BATCH_SIZE. Default 64.",
        valueName: "n"))
    var batchSize: String?

    /// The database configuration from flags and environment, validated.
    func resolve(_ environment: [String: String]) throws -> DatabaseConfiguration {
        let url = Setting(flag: "--database-url", variable: "DATABASE_URL", flagValue: databaseURL, environment: environment)
        let pool = Setting(flag: "--database-pool-size", variable: "DATABASE_POOL_SIZE", flagValue: poolSize, environment: environment)
        let connect = Setting(flag: "--database-connect-timeout", variable: "DATABASE_CONNECT_TIMEOUT", flagValue: connectTimeout, environment: environment)
        let statement = Setting(flag: "--database-statement-timeout", variable: "DATABASE_STATEMENT_TIMEOUT", flagValue: statementTimeout, environment: environment)
        let batch = Setting(flag: "--database-batch-size", variable: "DATABASE_BATCH_SIZE", flagValue: batchSize, environment: environment)
        let configuration = DatabaseConfiguration(
            connectionString: url.text(default: "") ?? "",
            poolSize: try pool.integer(default: 4, in: 1...64, meaning: "a number of connections"),
            // libpq treats anything under 2 seconds as 2.
            connectTimeout: try connect.integer(default: 5, in: 2...300, meaning: "a number of seconds"),
            statementTimeout: Double(try statement.integer(default: 10, in: 1...3600, meaning: "a number of seconds")),
            maximumBatchSize: try batch.integer(default: 64, in: 1...1000, meaning: "a number of receipts")
        )
        do {
            try configuration.validate()
        } catch {
            throw ConfigurationError("\(error) (set with --database-url or DATABASE_URL)")
        }
        return configuration
    }
}
