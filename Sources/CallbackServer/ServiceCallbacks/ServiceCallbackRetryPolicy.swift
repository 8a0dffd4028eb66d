import CallbackStore

/// What becomes of a callback after an attempt: Notify's rules. A 2xx is sent; a network error, a timeout, a 5xx or
/// a 429 is tried again after a back-off (or after the `Retry-After` the service gave), until the last attempt, after
/// which it is `dead`; any other answer is `failed` and not tried again.
public struct ServiceCallbackRetryPolicy: Sendable, Hashable {
    /// The wait after the first failed attempt, in seconds; each later wait doubles it.
    public var initialDelay: Double
    /// The longest wait the doubling reaches, in seconds.
    public var maximumDelay: Double
    /// Attempts before giving up.
    public var maxAttempts: Int

    /// A policy (defaults: 10 s doubling to 5 min, 6 attempts).
    public init(initialDelay: Double = 10, maximumDelay: Double = 300, maxAttempts: Int = 6) {
        self.initialDelay = initialDelay
        self.maximumDelay = max(maximumDelay, initialDelay)
        self.maxAttempts = max(maxAttempts, 1)
    }

    /// The wait after `attempts` failed attempts: the back-off, or the service's `Retry-After` when it gave one (up
    /// to an hour: it knows when it will be back, and sooner would only be refused again).
    public func delay(afterAttempts attempts: Int, retryAfter: Duration? = nil) -> Double {
        if let retryAfter {
            return min(max(Double(retryAfter.components.seconds), 0), 3600)
        }
        let doublings = min(max(attempts - 1, 0), 30)
        return min(initialDelay * Double(1 << doublings), maximumDelay)
    }

    /// The settlement of attempt number `attempts` (counting from 1), which got `answer`.
    public func settlement(for answer: ServiceCallbackAnswer, attempts: Int) -> OutboxSettlement {
        switch answer {
        case .accepted(let status):
            return .sent(status: status)
        case .refused(let status, let reason):
            return .failed(status: status, reason: reason)
        case .retryable(let status, let retryAfter, let reason):
            return retry(attempts: attempts, status: status, retryAfter: retryAfter, reason: reason)
        case .blocked(let reason):
            // A DNS answer can change back; the address is refused every time until it does.
            return retry(attempts: attempts, status: nil, retryAfter: nil, reason: reason)
        }
    }

    /// A retry, or `dead` after the last attempt.
    public func retry(attempts: Int, status: Int?, retryAfter: Duration?, reason: String) -> OutboxSettlement {
        guard attempts < maxAttempts else {
            return .dead(status: status, reason: "\(reason) (attempt \(attempts) of \(maxAttempts); given up)")
        }
        return .retry(after: delay(afterAttempts: attempts, retryAfter: retryAfter), status: status, reason: reason)
    }
}
