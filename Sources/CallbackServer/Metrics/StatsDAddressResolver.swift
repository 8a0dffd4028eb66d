import Foundation
import Logging
import Synchronization

/// Keeps the StatsD server's address up to date without ever blocking a request or Swift's cooperative pool.
///
/// `getaddrinfo` blocks, for seconds when DNS is unreachable, so a host name is resolved on a thread of its own
/// and the result handed to `install` whenever it arrives. An IP literal is resolved at once, since that needs no
/// I/O, and never again, since it cannot change. After a failed resolution the last good address is kept: a DNS
/// hiccup should not silence metrics that were being delivered; before any success, metrics are dropped.
final class StatsDAddressResolver: Sendable {
    private let host: String
    private let port: Int
    private let logger: Logger
    private let install: @Sendable (StatsDAddress) -> Void
    private let isNumeric: Bool
    private let inFlight = Mutex(false)

    /// Resolves an IP literal immediately; a host name is resolved by the first ``refresh()``.
    init(host: String, port: Int, logger: Logger, install: @escaping @Sendable (StatsDAddress) -> Void) {
        self.host = host
        self.port = port
        self.logger = logger
        self.install = install
        switch StatsDAddress.resolve(host: host, port: port, numericOnly: true) {
        case .success(let address):
            isNumeric = true
            install(address)
            logger.debug("StatsD address", metadata: ["statsd_address": "\(address.description)"])
        case .failure:
            isNumeric = false
        }
    }

    /// Starts resolving the host name again in the background, unless a resolution is already under way (a slow
    /// DNS must not pile up threads) or the host is an IP literal.
    func refresh() {
        guard !isNumeric else { return }
        let started = inFlight.withLock { running in
            if running { return false }
            running = true
            return true
        }
        guard started else { return }
        let thread = Thread { [self] in
            resolveNow()
            inFlight.withLock { $0 = false }
        }
        thread.name = "statsd-resolver"
        thread.start()
    }

    private func resolveNow() {
        switch StatsDAddress.resolve(host: host, port: port, numericOnly: false) {
        case .success(let address):
            install(address)
            logger.debug("StatsD address", metadata: ["statsd_host": "\(host)", "statsd_address": "\(address.description)"])
        case .failure(let error):
            logger.warning(
                "StatsD host does not resolve; metrics are dropped until it does (or sent to its last address)",
                metadata: ["statsd_host": "\(host)", "error": "\(error.description)"]
            )
        }
    }
}
