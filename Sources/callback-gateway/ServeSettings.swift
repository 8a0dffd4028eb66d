import ArgumentParser
import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import Logging
import ServiceLifecycle

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
    /// Whether Prometheus series are kept, and where `/metrics` is served.
    let prometheus: PrometheusSettings
    let alerts: AlertConfiguration?
    let jobs: JobsConfiguration
    /// The database settings of the jobs' own connection.
    let jobDatabase: DatabaseConfiguration
    /// The database settings of the service callbacks' dispatcher's own connection.
    let callbackDatabase: DatabaseConfiguration
    /// `TIMEOUT_PERIOD` as the operator wrote it (`72h`, `3d`), for the start-up log.
    let timeoutPeriodText: String
    /// `ALERT_COOLDOWN` as the operator wrote it (`15m`), for the start-up log.
    let alertCooldownText: String
    /// What start-up warns about the providers' settings: open routes, routes refusing everything.
    let providerWarnings: [String]
    /// How services' callbacks are sent, or `nil` when this replica does not send them.
    let serviceCallbacks: ServiceCallbackConfiguration?
    /// What start-up says about the service callbacks: off, or allowed to insecure URLs.
    let serviceCallbackNotices: [String]

    init(command: ServeCommand, environment: [String: String]) throws {
        func setting(_ flag: String, _ variable: String, _ value: String?) -> Setting {
            Setting(flag: flag, variable: variable, flagValue: value, environment: environment)
        }
        database = try command.database.resolve(environment)
        let host = setting("--host", "HOST", command.host).text(default: "0.0.0.0") ?? "0.0.0.0"
        if host.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConfigurationError("HOST is empty; give an address to listen on, such as 0.0.0.0 or 127.0.0.1 (set with --host or HOST)")
        }
        let providers = try ProviderOptions.resolve(command.providerSettings, environment: environment)
        providerWarnings = providers.warnings
        let adminToken = setting("--admin-token", "ADMIN_TOKEN", command.adminToken).text(default: nil)
        if let adminToken, adminToken.utf8.count < 16 {
            throw ConfigurationError("ADMIN_TOKEN is too short to be a secret; use at least 16 characters (for example: openssl rand -hex 32), or unset it to turn the admin routes off (set with --admin-token or ADMIN_TOKEN)")
        }
        let plainHTTP = try setting("--dashboard-plain-http", "DASHBOARD_PLAIN_HTTP", command.dashboardPlainHTTP).onOff(default: false)
        // Without Secure, the session cookie would cross the network in clear: only a gateway reachable from this
        // machine alone may serve the dashboard over plain HTTP.
        if plainHTTP, !["127.0.0.1", "::1", "localhost"].contains(host.trimmingCharacters(in: .whitespaces)) {
            throw ConfigurationError("DASHBOARD_PLAIN_HTTP is on but HOST is \"\(host)\", not a loopback address; the dashboard's session cookie may go without Secure only on 127.0.0.1, ::1 or localhost: set HOST to one of them, or turn DASHBOARD_PLAIN_HTTP off and serve HTTPS (set with --dashboard-plain-http or DASHBOARD_PLAIN_HTTP)")
        }
        let port = try setting("--port", "PORT", command.port).integer(default: 6011, in: 1...65535, meaning: "a port")
        prometheus = try PrometheusSettings(
            prometheus: setting("--prometheus", "PROMETHEUS", command.prometheus),
            host: setting("--metrics-host", "METRICS_HOST", command.metricsHost),
            port: setting("--metrics-port", "METRICS_PORT", command.metricsPort),
            adminToken: adminToken,
            mainPort: port
        )
        gateway = GatewayConfiguration(
            host: host,
            port: port,
            maxBodyBytes: try setting("--max-body-bytes", "MAX_BODY_BYTES", command.maxBodyBytes)
                .integer(default: 64 * 1024, in: 1024...(16 * 1024 * 1024), meaning: "a size in bytes"),
            adminToken: adminToken,
            dashboardPlainHTTP: plainHTTP,
            providerCredentials: providers.credentials,
            authenticators: providers.authenticators,
            providerBodyLimits: providers.bodyLimits,
            maxConcurrentRequests: try setting("--max-concurrent-requests", "MAX_CONCURRENT_REQUESTS", command.maxConcurrentRequests)
                .integer(default: 256, in: 1...100_000, meaning: "a number of requests"),
            requestReadTimeout: Double(try setting("--request-read-timeout", "REQUEST_READ_TIMEOUT", command.requestReadTimeout)
                .integer(default: 10, in: 1...600, meaning: "a number of seconds")),
            maxConnections: try Self.maxConnections(setting("--max-connections", "MAX_CONNECTIONS", command.maxConnections)),
            maxBufferedBodyBytes: try setting("--max-buffered-body-bytes", "MAX_BUFFERED_BODY_BYTES", command.maxBufferedBodyBytes)
                .integer(default: 32 * 1024 * 1024, in: (64 * 1024)...(4 * 1024 * 1024 * 1024), meaning: "a size in bytes"),
            sns: try command.sns.resolve(environment),
            metricsAddress: prometheus.address
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
        let jobsEnabled = try setting("--jobs", "JOBS", command.jobs).onOff(default: true)
        jobs = try command.housekeeping.resolve(environment, enabled: jobsEnabled)
        timeoutPeriodText = Self.asGiven(setting("--timeout-period", "TIMEOUT_PERIOD", command.housekeeping.timeoutPeriod), default: "72h")
        alertCooldownText = Self.asGiven(setting("--alert-cooldown", "ALERT_COOLDOWN", command.alertCooldown), default: "15m")
        var jobDatabase = database
        jobDatabase.poolSize = 1
        jobDatabase.applicationName = "callback-gateway jobs"
        self.jobDatabase = jobDatabase
        var callbackDatabase = database
        callbackDatabase.poolSize = 1
        callbackDatabase.applicationName = "callback-gateway service callbacks"
        // The dispatcher's commits are claims and settlements. Lost in a crash, a claim's lease or a settlement
        // leaves the callback due, and it is sent again (at least once, with its idempotency key), so they need not
        // wait for the WAL flush that every receipt's commit waits for.
        callbackDatabase.waitsForFlush = false
        self.callbackDatabase = callbackDatabase
        (serviceCallbacks, serviceCallbackNotices) = try command.serviceCallbackOptions.resolve(environment)
        alerts = try Self.alerts(
            url: setting("--alert-webhook-url", "ALERT_WEBHOOK_URL", command.alertWebhookURL),
            cooldown: setting("--alert-cooldown", "ALERT_COOLDOWN", command.alertCooldown)
        )
    }

    /// A setting's text as given (already validated), or its default as the docs write it: logged as an operator
    /// wrote it rather than as `259200.0 seconds`.
    private static func asGiven(_ setting: Setting, default fallback: String) -> String {
        setting.text(default: fallback)?.trimmingCharacters(in: .whitespaces) ?? fallback
    }

    /// `MAX_CONNECTIONS`, within what the process may open: each connection is a file descriptor, and the gateway
    /// keeps some for its database connections, logs and StatsD. The soft open-file limit is raised to the hard one
    /// first; a default that does not fit is lowered to what does, a value given that does not fit is refused.
    private static func maxConnections(_ setting: Setting) throws -> Int {
        let fit = max(OpenFileLimit.raiseToHardLimit() - OpenFileLimit.reserved, 1)
        guard setting.given != nil else { return min(10_000, fit) }
        let value = try setting.integer(default: 10_000, in: 1...1_000_000, meaning: "a number of connections")
        guard value <= fit else {
            throw ConfigurationError(
                "MAX_CONNECTIONS is \(value), but this process may open only \(fit + OpenFileLimit.reserved) files (ulimit -n) and keeps \(OpenFileLimit.reserved) for itself; give at most \(fit), or raise the limit (LimitNOFILE in systemd, ulimit -Hn) (set with --max-connections or MAX_CONNECTIONS)"
            )
        }
        return value
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
        // A trailing dot is forgiven (the client adds the separator itself); anything else odd is refused.
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        if !prefixText.allSatisfy(allowed.contains) || prefixText.hasPrefix(".") || prefixText.contains("..") {
            throw ConfigurationError(
                "\(prefix.given?.source ?? "STATSD_PREFIX") is \"\(prefixText)\"; use letters, digits, _ and - in segments separated by single dots, or an empty value for no prefix (set with --statsd-prefix or STATSD_PREFIX)"
            )
        }
        guard let hostName = host.text(default: nil)?.trimmingCharacters(in: .whitespaces), !hostName.isEmpty else { return nil }
        return StatsDConfiguration(host: hostName, port: port, prefix: prefixText)
    }
}
