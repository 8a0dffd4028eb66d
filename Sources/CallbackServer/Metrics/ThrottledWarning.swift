import Logging
import Synchronization

/// Logs a recurring problem at most once per interval, with the number of occurrences it stood for.
///
/// A StatsD server that is down makes every send fail; a warning per datagram would flood the log (and slow the
/// gateway) over something operators only need to learn once.
final class ThrottledWarning: Sendable {
    private struct State {
        var lastLogged: ContinuousClock.Instant?
        var unreported = 0
    }

    private let interval: Duration
    private let logger: Logger
    private let state = Mutex(State())

    init(interval: Duration = .seconds(60), logger: Logger) {
        self.interval = interval
        self.logger = logger
    }

    /// Records one occurrence; logs it if nothing was logged within the interval.
    func report(_ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata = [:]) {
        let now = ContinuousClock.now
        let occurrences: Int? = state.withLock { state in
            state.unreported += 1
            if let last = state.lastLogged, now - last < interval { return nil }
            defer { state.unreported = 0; state.lastLogged = now }
            return state.unreported
        }
        guard let occurrences else { return }
        var fields = metadata()
        fields["occurrences"] = "\(occurrences)"
        logger.warning(message(), metadata: fields)
    }
}
