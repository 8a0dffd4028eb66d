import ArgumentParser
import CallbackServer
import Foundation

/// The housekeeping flags `serve` and `jobs run` share.
struct JobOptions: ParsableArguments {
    @Option(name: .customLong("timeout-period"), help: ArgumentHelp(
        "How long a notification may stay sending or pending before it becomes temporary-failure (72h, 30m, 3d or seconds). Env: TIMEOUT_PERIOD. Default 72h.",
        valueName: "duration"))
    var timeoutPeriod: String?

    @Option(name: .customLong("timeout-batch-size"), help: ArgumentHelp(
        "Notifications timed out per statement. Env: TIMEOUT_BATCH_SIZE. Default 10000.", valueName: "n"))
    var timeoutBatchSize: String?

    @Option(name: .customLong("timeout-interval"), help: ArgumentHelp(
        "How often the timeout runs (once per period, on one replica). Env: TIMEOUT_INTERVAL. Default 1h.", valueName: "duration"))
    var timeoutInterval: String?

    @Option(name: .customLong("retention-days"), help: ArgumentHelp(
        "Full UTC days before today whose receipts and complaints are kept. Env: RETENTION_DAYS. Default 7.", valueName: "days"))
    var retentionDays: String?

    @Option(name: .customLong("retention-batch-size"), help: ArgumentHelp(
        "Rows deleted per statement. Env: RETENTION_BATCH_SIZE. Default 10000.", valueName: "n"))
    var retentionBatchSize: String?

    @Option(name: .customLong("retention-interval"), help: ArgumentHelp(
        "How often retention runs (once per period, on one replica). Env: RETENTION_INTERVAL. Default 24h (each UTC day).",
        valueName: "duration"))
    var retentionInterval: String?

    @Option(name: .customLong("replica-name"), help: ArgumentHelp(
        "The name job runs are recorded under. Env: REPLICA_NAME. Default host name:process id.", valueName: "name"))
    var replicaName: String?

    /// The housekeeping configuration from flags and environment, validated; `enabled` as given.
    func resolve(_ environment: [String: String], enabled: Bool) throws -> JobsConfiguration {
        func setting(_ flag: String, _ variable: String, _ value: String?) -> Setting {
            Setting(flag: flag, variable: variable, flagValue: value, environment: environment)
        }
        let replica = setting("--replica-name", "REPLICA_NAME", replicaName).text(default: nil)?.trimmingCharacters(in: .whitespaces)
        if let replica, replica.isEmpty || replica.utf8.count > 200 || replica.contains("\u{0}") {
            throw ConfigurationError("REPLICA_NAME must be 1 to 200 characters; give a name that tells this replica apart, or unset it to use the host name and process id (set with --replica-name or REPLICA_NAME)")
        }
        return JobsConfiguration(
            enabled: enabled,
            replicaName: replica ?? JobsConfiguration.defaultReplicaName,
            timeoutPeriod: try setting("--timeout-period", "TIMEOUT_PERIOD", timeoutPeriod)
                .duration(default: .seconds(72 * 3600), in: 60...(365 * 86_400), examples: "72h, 30m or 3d"),
            timeoutBatchSize: try setting("--timeout-batch-size", "TIMEOUT_BATCH_SIZE", timeoutBatchSize)
                .integer(default: 10_000, in: 1...1_000_000, meaning: "a number of notifications"),
            timeoutInterval: try setting("--timeout-interval", "TIMEOUT_INTERVAL", timeoutInterval)
                .duration(default: .seconds(3600), in: 60...86_400, examples: "1h or 30m"),
            retentionDays: try setting("--retention-days", "RETENTION_DAYS", retentionDays)
                .integer(default: 7, in: 1...3650, meaning: "a number of days"),
            retentionBatchSize: try setting("--retention-batch-size", "RETENTION_BATCH_SIZE", retentionBatchSize)
                .integer(default: 10_000, in: 1...1_000_000, meaning: "a number of rows"),
            retentionInterval: try setting("--retention-interval", "RETENTION_INTERVAL", retentionInterval)
                .duration(default: .seconds(86_400), in: 3600...(7 * 86_400), examples: "24h or 1d")
        )
    }
}
