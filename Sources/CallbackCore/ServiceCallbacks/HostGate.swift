/// Keeps one slow or failing service from holding back the others: a bound on the attempts in flight to each URL
/// host, and a circuit that pauses a host whose attempts all fail.
///
/// After `failuresToOpen` failed attempts in a row, the host is paused for `pause`; then one attempt is let through,
/// and its success closes the circuit while its failure pauses the host again. Callbacks for a paused or busy host
/// stay in the outbox, due when the pause ends, and their attempts are not counted.
///
/// Pure: the time comes in as a parameter.
public struct HostGate: Sendable {
    /// Attempts in flight to one host at most.
    public let maxInFlightPerHost: Int
    /// Failures in a row that pause a host.
    public let failuresToOpen: Int
    /// How long a host is paused, in seconds.
    public let pause: Double

    private struct Host {
        var inFlight = 0
        var failures = 0
        var pausedUntil: Double?
        var probing = false
    }

    private var hosts: [String: Host] = [:]

    /// A gate (defaults: 8 in flight per host; 5 failures pause a host for 30 s).
    public init(maxInFlightPerHost: Int = 8, failuresToOpen: Int = 5, pause: Double = 30) {
        self.maxInFlightPerHost = max(maxInFlightPerHost, 1)
        self.failuresToOpen = max(failuresToOpen, 1)
        self.pause = max(pause, 0)
    }

    /// What the gate says to an attempt.
    public enum Admission: Sendable, Hashable {
        /// Send it now (and call ``finish(_:succeeded:now:)`` after).
        case go
        /// Not now: try again after this many seconds.
        case wait(Double)
    }

    /// Admits an attempt to `host` at time `now` (seconds), or says how long to wait.
    public mutating func admit(_ host: String, now: Double) -> Admission {
        var state = hosts[host] ?? Host()
        defer { hosts[host] = state }
        if let until = state.pausedUntil {
            if now < until { return .wait(until - now) }
            // The pause is over: one attempt probes the host while the others wait for its answer.
            if state.probing { return .wait(1) }
            state.probing = true
        }
        guard state.inFlight < maxInFlightPerHost else { return .wait(1) }
        state.inFlight += 1
        return .go
    }

    /// Records the end of an admitted attempt.
    public mutating func finish(_ host: String, succeeded: Bool, now: Double) {
        guard var state = hosts[host] else { return }
        state.inFlight = max(state.inFlight - 1, 0)
        if succeeded {
            state.failures = 0
            state.pausedUntil = nil
        } else {
            state.failures += 1
            if state.failures >= failuresToOpen { state.pausedUntil = now + pause }
        }
        state.probing = false
        if state.inFlight == 0, state.failures == 0 {
            hosts[host] = nil
        } else {
            hosts[host] = state
        }
    }

    /// Records the end of an admitted attempt that never reached the host (its token could not be opened): it
    /// tells nothing about the host.
    public mutating func abandon(_ host: String) {
        guard var state = hosts[host] else { return }
        state.inFlight = max(state.inFlight - 1, 0)
        state.probing = false
        hosts[host] = state.inFlight == 0 && state.failures == 0 ? nil : state
    }

    /// The hosts paused at `now`.
    public func pausedHosts(now: Double) -> [String] {
        hosts.filter { ($0.value.pausedUntil ?? 0) > now }.map(\.key).sorted()
    }
}
