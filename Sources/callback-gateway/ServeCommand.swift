import ArgumentParser
import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import Logging
import ServiceLifecycle

/// `callback-gateway serve`: run the gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: receive provider callbacks over HTTP and apply them."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Address to listen on. Env: HOST. Default 0.0.0.0.", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on. Env: PORT. Default 6011.", valueName: "port"))
    var port: String?

    @Option(help: ArgumentHelp("Mapping file replacing the default table. Env: CALLBACK_MAPPINGS.", valueName: "file"))
    var mappings: String?

    @Option(name: .customLong("max-body-bytes"), help: ArgumentHelp("Largest request body accepted. Env: MAX_BODY_BYTES. Default 65536.", valueName: "bytes"))
    var maxBodyBytes: String?

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical. Env: LOG_LEVEL. Default info.", valueName: "level"))
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: ArgumentHelp("text or json. Env: LOG_FORMAT. Default text.", valueName: "format"))
    var logFormat: String?

    @Option(name: .customLong("statsd-host"), help: ArgumentHelp("StatsD host; metrics are off when unset. Env: STATSD_HOST.", valueName: "host"))
    var statsdHost: String?

    @Option(name: .customLong("statsd-port"), help: ArgumentHelp("StatsD UDP port. Env: STATSD_PORT. Default 8125.", valueName: "port"))
    var statsdPort: String?

    @Option(name: .customLong("statsd-prefix"), help: ArgumentHelp(
        "Prefix of every metric name; empty for none. Env: STATSD_PREFIX. Default notifications.api.", valueName: "prefix"))
    var statsdPrefix: String?

    @Option(name: .customLong("alert-webhook-url"), help: ArgumentHelp(
        "Slack-compatible webhook for alerts on unknown statuses; off when unset. Env: ALERT_WEBHOOK_URL.", valueName: "url"))
    var alertWebhookURL: String?

    @Option(name: .customLong("alert-cooldown"), help: ArgumentHelp(
        "At most one alert per status this often (900, 90s, 15m, 1h). Env: ALERT_COOLDOWN. Default 15m.", valueName: "duration"))
    var alertCooldown: String?

    @Option(name: .customLong("admin-token"), help: ArgumentHelp(
        "Bearer token of the /admin routes; they are off (404) without one. Env: ADMIN_TOKEN.", valueName: "token"))
    var adminToken: String?

    @Flag(name: .customLong("no-migrate"), help: "Do not migrate the schema on start. Env: SKIP_MIGRATIONS=1.")
    var noMigrate = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings: ServeSettings
        do {
            settings = try ServeSettings(command: self, environment: environment)
        } catch {
            Failure.report("\(error)")
            throw Failure.configuration
        }
        let format = settings.logFormat
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in GatewayLogHandler(label: label, format: format, level: level) }
        defer { GatewayLogHandler.flush() }
        // A log reader that goes away must not kill the gateway with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let logger = Logger(label: "callback-gateway")

        let workers = DatabaseWorkers(configuration: settings.database)
        defer { workers.shutdown() }
        if settings.migrate {
            do {
                let applied = try await Migrator(workers: workers).migrate()
                logger.info("schema ready", metadata: ["migrations_applied": .stringConvertible(applied.count)])
            } catch {
                logger.critical("cannot start: migration failed", metadata: ["error": "\(error)"])
                throw Failure.runtime
            }
        }
        logger.info("callback-gateway starting", metadata: [
            "host": .string(settings.gateway.host),
            "port": .stringConvertible(settings.gateway.port),
            "mappings": .string(settings.mappingsSource),
            "pool_size": .stringConvertible(settings.database.poolSize),
        ])
        let store = PostgresReceiptStore(workers: workers, schedule: settings.gateway.retrySchedule)
        var services: [any Service] = []
        var metrics = GatewayMetrics.disabled
        if let statsd = settings.statsd {
            let client = StatsDClient(configuration: statsd, logger: logger)
            services.append(client)
            metrics = GatewayMetrics(factory: StatsDMetricsFactory(client: client))
            logger.info("metrics go to StatsD", metadata: [
                "statsd_host": .string(statsd.host), "statsd_port": .stringConvertible(statsd.port), "statsd_prefix": .string(statsd.prefix),
            ])
        } else {
            logger.info("metrics are off: STATSD_HOST is not set")
        }
        let alerter = settings.alerts.map { UnmappedAlerter(configuration: $0, logger: logger) }
        if let alerts = settings.alerts {
            logger.info("alerts on unknown statuses go to a webhook", metadata: [
                "webhook": .string(AlertWebhookURL.redacted(alerts.webhookURL)), "cooldown": "\(alerts.cooldown)",
            ])
        } else {
            logger.notice("alerts on unknown statuses are off: ALERT_WEBHOOK_URL is not set; they are still logged at error level")
        }
        let app = buildApplication(
            configuration: settings.gateway,
            store: store,
            interpreter: ReceiptInterpreter(mappings: settings.mappings, adapters: ReceiptInterpreter.standardAdapters),
            logger: logger,
            metrics: metrics,
            alerter: alerter,
            services: services
        )
        var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Requests in flight get this long to finish after SIGTERM; a stuck one must not keep the process forever.
        group.maximumGracefulShutdownDuration = .seconds(30)
        group.maximumCancellationDuration = .seconds(5)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch {
            let reason = "\(error)"
            if reason.contains("Address already in use") {
                logger.critical("cannot listen: the address is already in use; stop the process that holds it or choose another PORT or HOST", metadata: [
                    "host": .string(settings.gateway.host), "port": .stringConvertible(settings.gateway.port),
                ])
            } else {
                logger.critical("the gateway stopped", metadata: ["error": .string(reason)])
            }
            throw Failure.runtime
        }
        logger.info("callback-gateway stopped")
    }
}

/// Everything `serve` runs with, resolved from flags and environment and validated before anything starts.
struct ServeSettings {
    let database: DatabaseConfiguration
    let gateway: GatewayConfiguration
    let mappings: MappingTable
    let mappingsSource: String
    let logLevel: Logger.Level
    let logFormat: LogFormat
    let migrate: Bool
    let statsd: StatsDConfiguration?
    let alerts: AlertConfiguration?

    init(command: ServeCommand, environment: [String: String]) throws {
        func setting(_ flag: String, _ variable: String, _ value: String?) -> Setting {
            Setting(flag: flag, variable: variable, flagValue: value, environment: environment)
        }
        database = try command.database.resolve(environment)
        let host = setting("--host", "HOST", command.host).text(default: "0.0.0.0") ?? "0.0.0.0"
        if host.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConfigurationError("HOST is empty; give an address to listen on, such as 0.0.0.0 or 127.0.0.1 (set with --host or HOST)")
        }
        let adminToken = setting("--admin-token", "ADMIN_TOKEN", command.adminToken).text(default: nil)
        if let adminToken, adminToken.utf8.count < 16 {
            throw ConfigurationError("ADMIN_TOKEN is too short to be a secret; use at least 16 characters (for example: openssl rand -hex 32), or unset it to turn the admin routes off (set with --admin-token or ADMIN_TOKEN)")
        }
        gateway = GatewayConfiguration(
            host: host,
            port: try setting("--port", "PORT", command.port).integer(default: 6011, in: 1...65535, meaning: "a port"),
            maxBodyBytes: try setting("--max-body-bytes", "MAX_BODY_BYTES", command.maxBodyBytes)
                .integer(default: 64 * 1024, in: 1024...(16 * 1024 * 1024), meaning: "a size in bytes"),
            adminToken: adminToken
        )
        let mappingsPath = setting("--mappings", "CALLBACK_MAPPINGS", command.mappings).text(default: nil)
        mappings = try MappingsLoader.load(path: mappingsPath)
        mappingsSource = mappingsPath ?? "default"
        logLevel = try setting("--log-level", "LOG_LEVEL", command.logLevel).choice(
            default: .info,
            Dictionary(uniqueKeysWithValues: Logger.Level.allCases.map { ("\($0)", $0) })
        )
        logFormat = try setting("--log-format", "LOG_FORMAT", command.logFormat).choice(
            default: .text,
            Dictionary(uniqueKeysWithValues: LogFormat.allCases.map { ($0.rawValue, $0) })
        )
        let skip = try setting("--no-migrate", "SKIP_MIGRATIONS", command.noMigrate ? "1" : nil).choice(
            default: false,
            ["1": true, "true": true, "yes": true, "0": false, "false": false, "no": false]
        )
        migrate = !skip
        statsd = try Self.statsd(
            host: setting("--statsd-host", "STATSD_HOST", command.statsdHost),
            port: setting("--statsd-port", "STATSD_PORT", command.statsdPort),
            prefix: setting("--statsd-prefix", "STATSD_PREFIX", command.statsdPrefix)
        )
        alerts = try Self.alerts(
            url: setting("--alert-webhook-url", "ALERT_WEBHOOK_URL", command.alertWebhookURL),
            cooldown: setting("--alert-cooldown", "ALERT_COOLDOWN", command.alertCooldown)
        )
    }

    /// Alert settings, or `nil` (webhook alerts off) when no URL is given.
    private static func alerts(url: Setting, cooldown: Setting) throws -> AlertConfiguration? {
        var period = Duration.seconds(900)
        if let (text, source) = cooldown.given {
            guard let parsed = AlertCooldown.parse(text) else {
                throw ConfigurationError(
                    "\(source) is \"\(text)\", which is not a duration; give seconds (900) or a duration such as 90s, 15m or 1h, at most a week (set with --alert-cooldown or ALERT_COOLDOWN)"
                )
            }
            period = parsed
        }
        guard let (text, source) = url.given, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let webhook = AlertWebhookURL.parse(text.trimmingCharacters(in: .whitespaces)) else {
            throw ConfigurationError(
                "\(source) is not an http or https URL with a host; give the webhook's full URL, such as https://hooks.slack.com/services/... (set with --alert-webhook-url or ALERT_WEBHOOK_URL)"
            )
        }
        return AlertConfiguration(webhookURL: webhook, cooldown: period)
    }

    /// StatsD settings, or `nil` (metrics off) when no host is given.
    private static func statsd(host: Setting, port: Setting, prefix: Setting) throws -> StatsDConfiguration? {
        let port = try port.integer(default: 8125, in: 1...65535, meaning: "a port")
        let prefixText = prefix.text(default: "notifications.api") ?? ""
        let trimmed = prefixText.hasSuffix(".") ? String(prefixText.dropLast()) : prefixText
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        if !trimmed.allSatisfy(allowed.contains) || trimmed.hasPrefix(".") || trimmed.contains("..") {
            throw ConfigurationError(
                "\(prefix.given?.source ?? "STATSD_PREFIX") is \"\(prefixText)\"; use letters, digits, _ and - in segments separated by single dots, or an empty value for no prefix (set with --statsd-prefix or STATSD_PREFIX)"
            )
        }
        guard let hostName = host.text(default: nil)?.trimmingCharacters(in: .whitespaces), !hostName.isEmpty else { return nil }
        return StatsDConfiguration(host: hostName, port: port, prefix: trimmed)
    }
}
