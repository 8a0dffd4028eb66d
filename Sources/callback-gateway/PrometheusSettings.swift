import CallbackServer
import Foundation
import Logging

/// Whether the gateway keeps Prometheus series and where `GET /metrics` is served, resolved from `PROMETHEUS`,
/// `METRICS_HOST`, `METRICS_PORT` and whether an admin token is configured.
///
/// `PROMETHEUS` is on by default, but the series are kept only where a scraper can read them: behind the admin
/// token on the main port, or on a separate address. With neither, keeping them would cost memory and time for
/// nothing, so they are off and start-up says how to turn them on.
struct PrometheusSettings {
    /// Whether the series are kept and `/metrics` served.
    let enabled: Bool
    /// The separate listener's address, if one is configured.
    let address: ListenAddress?
    /// Whether `PROMETHEUS` asked for them (it is on unless turned off).
    private let requested: Bool

    /// Resolves and checks the settings; `mainPort` is `PORT`, which the metrics port must differ from.
    init(prometheus: Setting, host: Setting, port: Setting, adminToken: String?, mainPort: Int) throws {
        requested = try prometheus.onOff(default: true)
        guard port.given != nil else {
            if let (_, source) = host.given {
                throw ConfigurationError(
                    "\(source) is set but METRICS_PORT is not; give METRICS_PORT too for a separate metrics listener, or unset \(source) to serve /metrics on PORT behind ADMIN_TOKEN (set with --metrics-port or METRICS_PORT)"
                )
            }
            address = nil
            enabled = requested && adminToken != nil
            return
        }
        let portNumber = try port.integer(default: 0, in: 1...65535, meaning: "a port")
        guard requested else {
            throw ConfigurationError(
                "METRICS_PORT is set but PROMETHEUS is off; unset METRICS_PORT, or set PROMETHEUS=on to serve /metrics there (set with --prometheus or PROMETHEUS)"
            )
        }
        guard portNumber != mainPort else {
            throw ConfigurationError(
                "METRICS_PORT is \(portNumber), the same as PORT; choose another port for the metrics listener, or unset METRICS_PORT to serve /metrics on PORT behind ADMIN_TOKEN (set with --metrics-port or METRICS_PORT)"
            )
        }
        let hostName = (host.text(default: "127.0.0.1") ?? "127.0.0.1").trimmingCharacters(in: .whitespaces)
        guard !hostName.isEmpty else {
            throw ConfigurationError(
                "METRICS_HOST is empty; give the address of a private interface, such as 127.0.0.1 or 10.0.0.5 (set with --metrics-host or METRICS_HOST)"
            )
        }
        address = ListenAddress(host: hostName, port: portNumber)
        enabled = true
    }

    /// Says at start-up where the metrics are, or why there are none.
    func logStartup(_ logger: Logger) {
        if let address, enabled {
            logger.info("Prometheus metrics are served without a token on a separate address", metadata: [
                "metrics_host": .string(address.host), "metrics_port": .stringConvertible(address.port), "path": "/metrics",
            ])
            if ["0.0.0.0", "::", "[::]"].contains(address.host) {
                logger.warning("METRICS_HOST listens on every interface: /metrics needs no token there, so keep METRICS_PORT unreachable from outside (a firewall, or a port the container does not publish)")
            }
        } else if enabled {
            logger.info("Prometheus metrics are served at /metrics on PORT, behind the admin token")
        } else if requested {
            logger.notice("Prometheus metrics are off: set ADMIN_TOKEN to serve /metrics behind it, or METRICS_PORT for a listener of its own")
        } else {
            logger.info("Prometheus metrics are off (PROMETHEUS=off)")
        }
    }
}
