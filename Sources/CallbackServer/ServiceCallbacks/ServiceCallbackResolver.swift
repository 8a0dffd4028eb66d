import CallbackCore
import NIOCore
import NIOPosix
import Synchronization

/// Looks up callback hosts for ``ServiceCallbackSender``, keeping each answer for a while (``ResolvedHostCache``).
///
/// The system resolver blocks, so a lookup runs on NIO's thread pool, never on one of Swift's few cooperative
/// threads; an address literal is its own answer, and a host looked up less than the lifetime ago is answered from
/// the cache, both without leaving the calling task.
final class ServiceCallbackResolver: Sendable {
    /// How long a lookup's answer is used when the sender is not told otherwise: short enough that a service that
    /// moves is followed within it, long enough that a busy host is looked up a few times a minute, not thousands.
    static let defaultLifetime: Duration = .seconds(30)

    private let cache: Mutex<ResolvedHostCache>
    private let lookup: @Sendable (String) -> [IPAddress]

    /// A resolver keeping answers for `lifetime` (`.zero`: none kept), asking `lookup` (the system's resolver unless
    /// a test gives its own).
    init(lifetime: Duration, lookup: @escaping @Sendable (String) -> [IPAddress] = HostAddresses.resolve) {
        cache = Mutex(ResolvedHostCache(lifetime: lifetime))
        self.lookup = lookup
    }

    /// The addresses of `host`, kept or looked up now. Cancellation throws at once and leaves a lookup to finish
    /// unheard (its answer is still kept).
    func addresses(of host: String, on eventLoop: any EventLoop) async throws -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        if let kept = cache.withLock({ $0.addresses(of: host, at: .now) }) { return kept }
        let resolved = eventLoop.makePromise(of: [IPAddress].self)
        return try await withTaskCancellationHandler {
            NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) { [self] in
                let addresses = lookup(host)
                cache.withLock { $0.store(addresses, of: host, at: .now) }
                return addresses
            }.cascade(to: resolved)
            return try await resolved.futureResult.get()
        } onCancel: {
            resolved.fail(CancellationError())
        }
    }

    /// Drops the answer kept for `host`: its address did not answer, so the next send looks it up again.
    func forget(_ host: String) {
        cache.withLock { $0.forget(host) }
    }
}
