import CallbackCore
import NIOCore
import Synchronization

/// What a kept-alive callback connection may be reused for: the checked address it was made to, the port, whether it
/// is TLS and the name TLS verified. Every send resolves and checks its host again and looks up only this key, so a
/// host whose DNS now answers another address never gets a connection to the old one, and every connection handed out
/// is to an address that was checked for the send using it.
struct ServiceCallbackConnectionKey: Hashable, Sendable {
    /// The address connected to, exactly as ``CallbackURLPolicy/check(addresses:of:)`` accepted it.
    var address: IPAddress
    var port: Int
    var secure: Bool
    /// The name sent in SNI and checked against the certificate; `nil` for plain HTTP, where no name is bound to the
    /// connection (the `Host` header is per request), and for an address literal over TLS.
    var serverName: String?

    init(address: IPAddress, port: Int, secure: Bool, serverName: String?) {
        self.address = address
        self.port = port
        self.secure = secure
        self.serverName = secure ? serverName : nil
    }
}

/// The idle callback connections kept alive for reuse, per ``ServiceCallbackConnectionKey``.
///
/// Only the sender puts a connection here, once a response has been read whole and nothing said to close it; the
/// pool's part is to hand out only open connections, to keep few, and to close them when nobody is likely to use
/// them before the service would close them itself:
/// - at most ``maxIdlePerKey`` per key: the dispatcher already bounds the callbacks in flight per host, so more
///   would only be kept open for a burst that cannot come, at the service's expense;
/// - each closed after ``idleTimeout`` unused (see ``defaultIdleTimeout``);
/// - one the service closes is dropped at once (its close future), and one found closed is never handed out.
///
/// A connection taken can still have been closed by the service a moment ago; the sender retries such a send once on
/// a new connection.
final class ServiceCallbackConnectionPool: Sendable {
    /// How long an idle connection is kept: 4 s. Common servers close an idle keep-alive after 5 s (Node.js's
    /// `keepAliveTimeout`, nginx's `keepalive_timeout` is often set that low, and load balancers close at 60 s or
    /// less); closing first keeps the race, where the service closes just as a request is written, rare. The retry on
    /// a new connection covers it when it happens anyway.
    static let defaultIdleTimeout: Duration = .seconds(4)

    /// How many idle connections are kept per key.
    static let defaultMaxIdlePerKey = 8

    let idleTimeout: Duration
    let maxIdlePerKey: Int
    private let state = Mutex(State())

    private struct State {
        var idle: [ServiceCallbackConnectionKey: [Idle]] = [:]
        var nextID: UInt64 = 0
        var shutDown = false
    }

    private struct Idle {
        var channel: any Channel
        /// Tells one stay in the pool from another, so a timer set for an earlier stay closes nothing.
        var id: UInt64
        var expiry: Scheduled<Void>?
    }

    init(idleTimeout: Duration = defaultIdleTimeout, maxIdlePerKey: Int = defaultMaxIdlePerKey) {
        self.idleTimeout = idleTimeout
        self.maxIdlePerKey = max(maxIdlePerKey, 0)
    }

    /// An open idle connection for `key`, taken out of the pool, or `nil`. The most recently used first: it is the
    /// least likely to have been closed by the service meanwhile, and the others expire.
    func take(_ key: ServiceCallbackConnectionKey) -> (any Channel)? {
        var closed: [any Channel] = []
        let taken = state.withLock { state -> Idle? in
            while var list = state.idle[key], let last = list.popLast() {
                state.idle[key] = list.isEmpty ? nil : list
                if last.channel.isActive { return last }
                closed.append(last.channel)
            }
            return nil
        }
        for channel in closed { channel.close(promise: nil) }
        taken?.expiry?.cancel()
        return taken?.channel
    }

    /// Keeps `channel`, whose last response was read whole, for reuse by `key`; closes it instead when it is no longer
    /// open, the key has its share of idle connections or the pool has been shut down.
    func put(_ channel: any Channel, for key: ServiceCallbackConnectionKey) {
        guard channel.isActive else {
            channel.close(promise: nil)
            return
        }
        let id = state.withLock { state -> UInt64? in
            guard !state.shutDown, state.idle[key, default: []].count < maxIdlePerKey else { return nil }
            state.nextID &+= 1
            state.idle[key, default: []].append(Idle(channel: channel, id: state.nextID))
            return state.nextID
        }
        guard let id else {
            channel.close(promise: nil)
            return
        }
        // Set after the channel is in the pool, so the timer cannot fire before there is anything for it to close.
        let expiry = channel.eventLoop.scheduleTask(in: ServiceCallbackSender.timeAmount(idleTimeout)) { [self] in
            if let expired = remove(key, id: id) { expired.close(promise: nil) }
        }
        let kept = state.withLock { state -> Bool in
            guard let index = state.idle[key]?.firstIndex(where: { $0.id == id }) else { return false }
            state.idle[key]?[index].expiry = expiry
            return true
        }
        if !kept { expiry.cancel() }
    }

    /// Drops `channel` if it is idle here: called when it closes, so a connection the service closed is not kept.
    func forget(_ channel: any Channel, for key: ServiceCallbackConnectionKey) {
        let removed = state.withLock { state -> Idle? in
            guard var list = state.idle[key], let index = list.firstIndex(where: { $0.channel === channel }) else { return nil }
            let removed = list.remove(at: index)
            state.idle[key] = list.isEmpty ? nil : list
            return removed
        }
        removed?.expiry?.cancel()
    }

    /// Closes every idle connection and keeps none from now on: connections in use are closed when their response
    /// ends. Returns once the idle ones are closed.
    func shutdown() async {
        let idle = state.withLock { state -> [Idle] in
            state.shutDown = true
            let idle = state.idle.values.flatMap { $0 }
            state.idle = [:]
            return idle
        }
        for entry in idle {
            entry.expiry?.cancel()
            try? await entry.channel.close()
        }
    }

    /// How many idle connections the pool holds now, for every key.
    var idleCount: Int {
        state.withLock { $0.idle.values.reduce(0) { $0 + $1.count } }
    }

    private func remove(_ key: ServiceCallbackConnectionKey, id: UInt64) -> (any Channel)? {
        state.withLock { state -> (any Channel)? in
            guard var list = state.idle[key], let index = list.firstIndex(where: { $0.id == id }) else { return nil }
            let removed = list.remove(at: index)
            state.idle[key] = list.isEmpty ? nil : list
            return removed.channel
        }
    }
}
