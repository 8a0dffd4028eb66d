import Foundation
import Synchronization

/// Bounds wrong admin tokens on the dashboard's sign-in form: after `limit` wrong ones within a minute, every sign-in
/// is refused (429) until the oldest of them is a minute old.
///
/// Per replica and in memory: with N replicas a guesser gets N times the bound, still far too few tries for a token
/// of 16 characters or more. It counts every client together, so a flood of wrong tokens also locks out the
/// operator for up to a minute: a nuisance, never a way in.
final class SignInThrottle: Sendable {
    /// The window wrong tokens are counted in.
    static let window: TimeInterval = 60
    private let limit: Int
    private let failures = Mutex<[Date]>([])

    /// A throttle allowing `limit` wrong tokens a minute.
    init(limit: Int = 10) {
        self.limit = limit
    }

    /// Whole seconds until sign-in is allowed again, or `nil` when it is allowed at `now`.
    func retryAfter(now: Date) -> Int? {
        failures.withLock { failures in
            failures.removeAll { now.timeIntervalSince($0) >= Self.window }
            guard failures.count >= limit, let oldest = failures.first else { return nil }
            return max(1, Int((Self.window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
    }

    /// Counts a wrong token given at `now`.
    func recordFailure(now: Date) {
        failures.withLock { failures in
            failures.append(now)
            // Only the newest `limit` matter for the bound; older ones would only grow the list under a flood.
            if failures.count > limit { failures.removeFirst(failures.count - limit) }
        }
    }
}
