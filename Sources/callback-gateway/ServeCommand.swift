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
        abstract: "Run the gateway: receive provider callbacks over HTTP and apply them.",
        discussion: "Provider settings (each also read from its environment variable):\n" + ProviderOptions.help
    )

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var sns: SNSOptions

    @OptionGroup var housekeeping: JobOptions

    @OptionGroup var serviceCallbackOptions: ServiceCallbackOptions

    @Option(name: .customLong("jobs"), help: ArgumentHelp(
        "on: this replica takes part in the housekeeping jobs (timeout, retention); off: it does not. Env: JOBS. Default on.",
        valueName: "on|off"))
    var jobs: String?

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

    @Option(name: .customLong("prometheus"), help: ArgumentHelp(
        "on: keep Prometheus metrics and serve GET /metrics (behind ADMIN_TOKEN, or open on METRICS_PORT); off: do not. Env: PROMETHEUS. Default on.",
        valueName: "on|off"))
    var prometheus: String?

    @Option(name: .customLong("metrics-host"), help: ArgumentHelp(
        "Address of the separate metrics listener (with --metrics-port). Env: METRICS_HOST. Default 127.0.0.1.", valueName: "address"))
    var metricsHost: String?

    @Option(name: .customLong("metrics-port"), help: ArgumentHelp(
        "Port on which GET /metrics is served without the admin token; unset: /metrics is on PORT behind ADMIN_TOKEN. Env: METRICS_PORT.",
        valueName: "port"))
    var metricsPort: String?

    @Option(name: .customLong("alert-webhook-url"), help: ArgumentHelp(
        "Slack-compatible webhook for alerts on unknown statuses; off when unset. Env: ALERT_WEBHOOK_URL.", valueName: "url"))
    var alertWebhookURL: String?

    @Option(name: .customLong("alert-cooldown"), help: ArgumentHelp(
        "At most one alert per status this often (900, 90s, 15m, 1h). Env: ALERT_COOLDOWN. Default 15m.", valueName: "duration"))
    var alertCooldown: String?

    @Option(name: .customLong("admin-token"), help: ArgumentHelp(
        "Bearer token of the /admin routes; they are off (404) without one. Env: ADMIN_TOKEN.", valueName: "token"))
    var adminToken: String?

    @Option(name: .customLong("dashboard-plain-http"), help: ArgumentHelp(
        "on when the gateway serves plain HTTP on a loopback HOST: the dashboard's cookie then lacks Secure. Env: DASHBOARD_PLAIN_HTTP. Default off.",
        valueName: "on|off"))
    var dashboardPlainHTTP: String?

    @Option(name: .customLong("max-concurrent-requests"), help: ArgumentHelp(
        "Requests in progress at once beyond which the answer is 503. Env: MAX_CONCURRENT_REQUESTS. Default 256.", valueName: "n"))
    var maxConcurrentRequests: String?

    @Option(name: .customLong("request-read-timeout"), help: ArgumentHelp(
        "Seconds a client has to send a whole request before it is disconnected. Env: REQUEST_READ_TIMEOUT. Default 10.",
        valueName: "seconds"))
    var requestReadTimeout: String?

    @Option(name: .customLong("max-connections"), help: ArgumentHelp(
        "Client connections open at once; beyond it the one waiting longest for its request is closed. Env: MAX_CONNECTIONS. Default 10000.",
        valueName: "n"))
    var maxConnections: String?

    @Option(name: .customLong("max-buffered-body-bytes"), help: ArgumentHelp(
        "Request-body bytes held at once while bodies arrive; beyond it the answer is 503. Env: MAX_BUFFERED_BODY_BYTES. Default 33554432 (32 MiB).",
        valueName: "bytes"))
    var maxBufferedBodyBytes: String?

    @Flag(name: .customLong("no-migrate"), help: "Do not migrate the schema on start. Env: SKIP_MIGRATIONS=1.")
    var noMigrate = false

    /// Provider settings given as flags (`--twilio-auth-tokens ...`): each provider's unit names its own, so they
    /// are read from what is left of the arguments (see ``ProviderOptions``).
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var providerSettings: [String] = []

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
            "max_connections": .stringConvertible(settings.gateway.maxConnections),
            "max_concurrent_requests": .stringConvertible(settings.gateway.maxConcurrentRequests),
            "request_read_timeout": .string("\(Int(settings.gateway.requestReadTimeout))s"),
        ])
        let store = PostgresReceiptStore(workers: workers, schedule: settings.gateway.retrySchedule)
        var services: [any Service] = []
        var statsdFactory: StatsDMetricsFactory?
        if let statsd = settings.statsd {
            let client = StatsDClient(configuration: statsd, logger: logger)
            services.append(client)
            statsdFactory = StatsDMetricsFactory(client: client)
            logger.info("metrics go to StatsD", metadata: [
                "statsd_host": .string(statsd.host), "statsd_port": .stringConvertible(statsd.port), "statsd_prefix": .string(statsd.prefix),
            ])
        } else {
            logger.info("StatsD metrics are off: STATSD_HOST is not set")
        }
        let metrics = GatewayMetrics(statsd: statsdFactory, prometheus: settings.prometheus.enabled ? PrometheusMetrics() : nil)
        settings.prometheus.logStartup(logger)
        let alerter = settings.alerts.map { UnmappedAlerter(configuration: $0, logger: logger, metrics: metrics) }
        if let alerts = settings.alerts {
            logger.info("alerts on unknown statuses go to a webhook", metadata: [
                "webhook": .string(AlertWebhookURL.redacted(alerts.webhookURL)), "cooldown": .string(settings.alertCooldownText),
            ])
        } else {
            logger.notice("alerts on unknown statuses are off: ALERT_WEBHOOK_URL is not set; they are still logged at error level")
        }
        for warning in settings.providerWarnings {
            logger.warning("\(warning)")
        }
        SNSLog.startup(settings.gateway.sns, logger: logger)
        for notice in settings.serviceCallbackNotices {
            logger.notice("\(notice)")
        }
        // The dispatcher gets a connection of its own: its claims and settlements, several a second, would
        // otherwise queue with the receipts' batches for the same few connections, and the batches would shrink.
        let callbackWorkers = settings.serviceCallbacks.map { _ in DatabaseWorkers(configuration: settings.callbackDatabase) }
        defer { callbackWorkers?.shutdown() }
        if let callbacks = settings.serviceCallbacks, let callbackWorkers {
            services.append(try Self.dispatcher(callbacks, workers: callbackWorkers, logger: logger, metrics: metrics))
        }
        // The jobs get a connection of their own: a run holds it for as long as it takes, and the advisory lock
        // lives in that session.
        let jobWorkers = DatabaseWorkers(configuration: settings.jobDatabase)
        defer { jobWorkers.shutdown() }
        if settings.jobs.enabled {
            services.append(JobScheduler(
                jobs: JobScheduler.standardJobs(settings.jobs, metrics: metrics),
                runner: JobRunner(workers: jobWorkers, replica: settings.jobs.replicaName),
                pollInterval: settings.jobs.pollInterval,
                logger: logger,
                metrics: metrics
            ))
            logger.info("housekeeping jobs are on", metadata: [
                "replica": .string(settings.jobs.replicaName),
                "timeout_period": .string(settings.timeoutPeriodText), "retention_days": .stringConvertible(settings.jobs.retentionDays),
            ])
        } else {
            logger.notice("housekeeping jobs are off on this replica (JOBS=off); another replica must run them")
        }
        let app = buildApplication(
            configuration: settings.gateway,
            store: store,
            apiKeys: PostgresAPIKeys(workers: workers),
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
                var metadata: Logger.Metadata = ["host": .string(settings.gateway.host), "port": .stringConvertible(settings.gateway.port)]
                var choices = "PORT or HOST"
                if let address = settings.gateway.metricsAddress {
                    metadata["metrics_host"] = .string(address.host)
                    metadata["metrics_port"] = .stringConvertible(address.port)
                    choices = "PORT or HOST, or METRICS_PORT or METRICS_HOST"
                }
                logger.critical(
                    "cannot listen: the address is already in use; stop the process that holds it or choose another \(choices)",
                    metadata: metadata
                )
            } else {
                logger.critical("the gateway stopped", metadata: ["error": .string(reason)])
            }
            throw Failure.runtime
        }
        logger.info("callback-gateway stopped")
    }

    /// The dispatcher of services' callbacks, on its own database connection.
    private static func dispatcher(
        _ configuration: ServiceCallbackConfiguration, workers: DatabaseWorkers, logger: Logger, metrics: GatewayMetrics
    ) throws -> ServiceCallbackDispatcher {
        let sender: ServiceCallbackSender
        do {
            sender = try ServiceCallbackSender(
                policy: configuration.policy, timeout: configuration.timeout, extraTrustRootsFile: configuration.trustRootsFile,
                maxIdlePerHost: configuration.gate.maxInFlightPerHost
            )
        } catch {
            logger.critical("cannot start: \(error)")
            throw Failure.configuration
        }
        logger.info("service callbacks are sent from this replica", metadata: [
            "timeout": .string(DurationText.spoken(configuration.timeout)),
            "max_attempts": .stringConvertible(configuration.retry.maxAttempts),
            "max_in_flight": .stringConvertible(configuration.maxInFlight),
            "max_per_host": .stringConvertible(configuration.gate.maxInFlightPerHost),
        ])
        return ServiceCallbackDispatcher(
            outbox: PostgresServiceCallbackOutbox(workers: workers), sender: sender, configuration: configuration,
            logger: logger, metrics: metrics
        )
    }
}
