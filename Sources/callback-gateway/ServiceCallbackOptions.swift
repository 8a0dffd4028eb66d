import ArgumentParser
import CallbackCore
import CallbackServer
import Foundation

/// The flags of the service callbacks' dispatcher in `serve`. The encryption key and the insecure-URL switch are
/// read from the environment only, as `service-callbacks` reads them: the key must not be in the process list.
struct ServiceCallbackOptions: ParsableArguments {
    @Option(name: .customLong("service-callbacks"), help: ArgumentHelp(
        "on: this replica sends services their callbacks (needs SERVICE_CALLBACK_ENCRYPTION_KEY); off: it does not. Env: SERVICE_CALLBACKS. Default on.",
        valueName: "on|off"))
    var enabled: String?

    @Option(name: .customLong("service-callback-timeout"), help: ArgumentHelp(
        "How long one callback attempt may take (5s, 1m). Env: SERVICE_CALLBACK_TIMEOUT. Default 5s.", valueName: "duration"))
    var timeout: String?

    @Option(name: .customLong("service-callback-retry-initial"), help: ArgumentHelp(
        "The wait after a callback's first failed attempt; it doubles after each. Env: SERVICE_CALLBACK_RETRY_INITIAL. Default 10s.",
        valueName: "duration"))
    var retryInitial: String?

    @Option(name: .customLong("service-callback-retry-max"), help: ArgumentHelp(
        "The longest wait between attempts. Env: SERVICE_CALLBACK_RETRY_MAX. Default 5m.", valueName: "duration"))
    var retryMax: String?

    @Option(name: .customLong("service-callback-max-attempts"), help: ArgumentHelp(
        "Attempts before a callback is dead. Env: SERVICE_CALLBACK_MAX_ATTEMPTS. Default 6.", valueName: "n"))
    var maxAttempts: String?

    @Option(name: .customLong("service-callback-max-in-flight"), help: ArgumentHelp(
        "Callback attempts in flight at once on this replica. Env: SERVICE_CALLBACK_MAX_IN_FLIGHT. Default 32.", valueName: "n"))
    var maxInFlight: String?

    @Option(name: .customLong("service-callback-max-per-host"), help: ArgumentHelp(
        "Callback attempts in flight at once to one host. Env: SERVICE_CALLBACK_MAX_PER_HOST. Default 8.", valueName: "n"))
    var maxPerHost: String?

    @Option(name: .customLong("service-callback-ca-file"), help: ArgumentHelp(
        "PEM file of certificate authorities trusted besides the system's, for services behind a private CA. Env: SERVICE_CALLBACK_CA_FILE.",
        valueName: "file"))
    var caFile: String?

    /// What `serve` runs the dispatcher with, or `nil` when it is off, with the start-up's notices: off by choice,
    /// or for want of a key.
    func resolve(_ environment: [String: String]) throws -> (configuration: ServiceCallbackConfiguration?, notices: [String]) {
        func setting(_ flag: String, _ variable: String, _ value: String?) -> Setting {
            Setting(flag: flag, variable: variable, flagValue: value, environment: environment)
        }
        let on = try setting("--service-callbacks", "SERVICE_CALLBACKS", enabled).onOff(default: true)
        let timeout = try setting("--service-callback-timeout", "SERVICE_CALLBACK_TIMEOUT", timeout)
            .duration(default: .seconds(5), in: 1...60, examples: "5s or 30s")
        let initial = try setting("--service-callback-retry-initial", "SERVICE_CALLBACK_RETRY_INITIAL", retryInitial)
            .duration(default: .seconds(10), in: 1...3600, examples: "10s or 1m")
        let maximum = try setting("--service-callback-retry-max", "SERVICE_CALLBACK_RETRY_MAX", retryMax)
            .duration(default: .seconds(300), in: 1...86_400, examples: "5m or 1h")
        guard maximum >= initial else {
            throw ConfigurationError("SERVICE_CALLBACK_RETRY_MAX is shorter than SERVICE_CALLBACK_RETRY_INITIAL; give a longest wait at least as long as the first (set with --service-callback-retry-max or SERVICE_CALLBACK_RETRY_MAX)")
        }
        let attempts = try setting("--service-callback-max-attempts", "SERVICE_CALLBACK_MAX_ATTEMPTS", maxAttempts)
            .integer(default: 6, in: 1...100, meaning: "a number of attempts")
        let inFlight = try setting("--service-callback-max-in-flight", "SERVICE_CALLBACK_MAX_IN_FLIGHT", maxInFlight)
            .integer(default: 32, in: 1...1000, meaning: "a number of attempts")
        let perHost = try setting("--service-callback-max-per-host", "SERVICE_CALLBACK_MAX_PER_HOST", maxPerHost)
            .integer(default: 8, in: 1...1000, meaning: "a number of attempts")
        let trustRoots = setting("--service-callback-ca-file", "SERVICE_CALLBACK_CA_FILE", caFile).text(default: nil)
        if let trustRoots, !FileManager.default.isReadableFile(atPath: trustRoots) {
            throw ConfigurationError("SERVICE_CALLBACK_CA_FILE is \"\(trustRoots)\", which cannot be read; give a readable PEM file of CA certificates, or unset it to trust the system's alone (set with --service-callback-ca-file or SERVICE_CALLBACK_CA_FILE)")
        }
        let insecure = environment["SERVICE_CALLBACK_ALLOW_INSECURE_URLS"] == "1"
        var notices: [String] = []
        if insecure {
            notices.append("SERVICE_CALLBACK_ALLOW_INSECURE_URLS=1: service callbacks may go over plain http and to loopback and private addresses; for local testing only")
        }
        guard on else {
            return (nil, notices + ["service callbacks are not sent from this replica (SERVICE_CALLBACKS=off); another replica must send them"])
        }
        guard let keys = environment["SERVICE_CALLBACK_ENCRYPTION_KEY"] else {
            return (nil, notices + ["service callbacks are off: SERVICE_CALLBACK_ENCRYPTION_KEY is not set, so no bearer token can be opened; callbacks owed stay in the outbox until a replica with the key sends them"])
        }
        let sealer: TokenSealer
        do throws(TokenSealer.KeyError) {
            sealer = try TokenSealer(keysText: keys)
        } catch {
            throw ConfigurationError(error.description)
        }
        let configuration = ServiceCallbackConfiguration(
            sealer: sealer,
            policy: CallbackURLPolicy(allowInsecure: insecure),
            timeout: timeout,
            retry: ServiceCallbackRetryPolicy(
                initialDelay: Double(initial.components.seconds), maximumDelay: Double(maximum.components.seconds), maxAttempts: attempts
            ),
            maxInFlight: inFlight,
            gate: HostGate(maxInFlightPerHost: perHost),
            trustRootsFile: trustRoots
        )
        return (configuration, notices)
    }
}
