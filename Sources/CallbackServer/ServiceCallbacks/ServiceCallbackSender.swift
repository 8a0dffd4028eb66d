import CallbackCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Sends one service callback: one POST, over a kept-alive connection to the same checked address when one is idle,
/// else over a new one, and what became of it as a ``ServiceCallbackAnswer``.
///
/// The URL's host is resolved here (an answer is used for 30 s, and dropped when its address does not answer: see
/// ``ServiceCallbackResolver``), its addresses checked by ``CallbackURLPolicy/check(addresses:of:)`` at every send,
/// and the request sent to exactly the first checked address (DNS pinning): a client that resolved on its own could
/// be given another address by a second DNS answer, which is how a callback URL would reach inside the network. TLS
/// still sends the host name (SNI) and verifies the certificate for it.
///
/// Connections are kept alive, because a new TCP (and TLS) connection per callback was much of a callback's cost on
/// both ends. An idle connection is reused only for the same checked address, port, scheme and TLS name (see
/// ``ServiceCallbackConnectionPool``), so pinning holds: a host whose DNS answer changed gets a new connection to the
/// newly checked address. A connection goes back to the pool only after a response read whole, in time, that did not
/// ask to close it; any error, cancellation or time-out closes it. A reused connection the service had already closed
/// (it failed before a byte of the answer came) is replaced by a new one once, within the same time limit. The number
/// in flight per host is still the dispatcher's to bound. Redirects are not followed (the registered URL is the one
/// that was checked). Nothing is logged: the answer says what happened. ``shutdown()`` closes the idle connections.
public struct ServiceCallbackSender: Sendable {
    /// Why a sender cannot be made: a start-up error, with what to do about it.
    public struct SetupError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong and what to do.
        public let description: String
    }

    /// How much of a response body is read before the connection is closed: only the status line and
    /// `Retry-After` matter.
    static let bodyLimit = 65_536

    private let policy: CallbackURLPolicy
    private let timeout: Duration
    private let tlsContext: NIOSSLContext
    private let eventLoopGroup: any EventLoopGroup
    private let pool: ServiceCallbackConnectionPool
    private let resolver: ServiceCallbackResolver

    /// A sender whose every send ends within `timeout`. `extraTrustRootsFile` is a PEM file of CA certificates trusted
    /// in addition to the system's, for services behind a private CA; it is read here, so a file that cannot be read
    /// is an error at start-up rather than at every send. `idleTimeout` is how long an unused kept-alive connection
    /// stays open; `nil` is 4 s, a little less than servers commonly allow (see ``ServiceCallbackConnectionPool``).
    /// `maxIdlePerHost` is how many are kept per checked address: the attempts in flight to a host at once, so that
    /// a burst that fills them finds as many connections at the next; `nil` is 8, the default bound.
    /// `addressLifetime` is how long a host's looked-up addresses are used; `nil` is 30 s, `.zero` looks up at every
    /// send. `lookup` replaces the system's resolver, for tests.
    public init(
        policy: CallbackURLPolicy,
        timeout: Duration,
        extraTrustRootsFile: String? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        idleTimeout: Duration? = nil,
        maxIdlePerHost: Int? = nil,
        addressLifetime: Duration? = nil,
        lookup: (@Sendable (String) -> [IPAddress])? = nil
    ) throws(SetupError) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let extraTrustRootsFile {
            configuration.additionalTrustRoots = [.certificates(try Self.loadTrustRoots(path: extraTrustRootsFile))]
        }
        do {
            tlsContext = try NIOSSLContext(configuration: configuration)
        } catch {
            throw SetupError(description: "cannot set up TLS for service callbacks (\(error)): check the system's CA certificates")
        }
        self.policy = policy
        self.timeout = timeout
        self.eventLoopGroup = eventLoopGroup
        self.resolver = ServiceCallbackResolver(
            lifetime: addressLifetime ?? ServiceCallbackResolver.defaultLifetime, lookup: lookup ?? HostAddresses.resolve
        )
        self.pool = ServiceCallbackConnectionPool(
            idleTimeout: idleTimeout ?? ServiceCallbackConnectionPool.defaultIdleTimeout,
            maxIdlePerKey: maxIdlePerHost ?? ServiceCallbackConnectionPool.defaultMaxIdlePerKey
        )
    }

    /// Closes the idle kept-alive connections, and keeps none from now on (a send still works, on a connection of its
    /// own); returns once they are closed. For when the sender is no longer used, so services see the connections
    /// end rather than time out.
    public func shutdown() async {
        await pool.shutdown()
    }

    /// How many kept-alive connections are idle now.
    public var idleConnections: Int { pool.idleCount }

    /// The CA certificates in the PEM file at `path`: at least one, or an error naming the file and what to give.
    public static func loadTrustRoots(path: String) throws(SetupError) -> [NIOSSLCertificate] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SetupError(description: "the service callbacks' CA file \(path) cannot be read: give a PEM file of CA certificates that this process can read")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(Array(data))
        } catch {
            throw SetupError(description: "the service callbacks' CA file \(path) is not a PEM file of certificates (\(error)): give one holding -----BEGIN CERTIFICATE----- blocks")
        }
        guard !certificates.isEmpty else {
            throw SetupError(description: "the service callbacks' CA file \(path) holds no certificate: give a PEM file holding -----BEGIN CERTIFICATE----- blocks")
        }
        return certificates
    }

    /// Sends `request` and says what became of it. Never throws: every failure is an answer. Bounded by `timeout`
    /// from start (resolution, connect, TLS, request, response head) to end. Cancellation of the calling task ends it
    /// promptly (answer `.retryable`).
    public func send(_ request: ServiceCallbackRequest) async -> ServiceCallbackAnswer {
        let timeout = timeout
        let start = ContinuousClock.now
        let host = request.url.host ?? "the callback host"
        let deadline = NIODeadline.now() + Self.timeAmount(timeout)
        // The attempt races a timer, so the bound holds whatever the attempt waits on (the resolver cannot be
        // interrupted); the loser is cancelled, and the attempt answers cancellation promptly.
        let answer = await withTaskGroup(of: ServiceCallbackAnswer?.self) { group in
            group.addTask { await self.attempt(request, deadline: deadline) }
            group.addTask {
                do {
                    try await Task.sleep(until: start.advanced(by: timeout), clock: .continuous)
                } catch {
                    return nil // cancelled by the caller: the attempt gives the answer
                }
                return .retryable(status: nil, retryAfter: nil, reason: "timed out after \(Self.text(timeout)) waiting for \(host)")
            }
            while let next = await group.next() {
                if let answer = next {
                    group.cancelAll()
                    return answer
                }
            }
            return Self.cancelled(host)
        }
        // No HTTP answer (no connection, no answer in time): the address kept for the host may be the reason, so the
        // next send looks the host up again.
        if case .retryable(status: nil, _, _) = answer, let host = request.url.host { resolver.forget(host) }
        return answer
    }

    /// Checks, resolves, checks the addresses, takes a kept-alive connection to the address or connects, and exchanges;
    /// every step answers cancellation at once.
    private func attempt(_ request: ServiceCallbackRequest, deadline: NIODeadline) async -> ServiceCallbackAnswer {
        let target: Target
        switch Target.make(request.url, policy: policy) {
        case .success(let made): target = made
        case .failure(let refusal): return .blocked(reason: refusal.reason)
        }
        guard Self.fitsHeader(request.bearerToken), Self.fitsHeader(request.idempotencyKey) else {
            return .blocked(reason: "the bearer token or idempotency key for \(target.host) holds a line break or control character, which a header cannot carry: register the token again")
        }
        let addresses: [IPAddress]
        do {
            addresses = try await resolver.addresses(of: target.host, on: eventLoopGroup.next())
        } catch is CancellationError {
            return Self.cancelled(target.host)
        } catch {
            return .retryable(status: nil, retryAfter: nil, reason: "cannot resolve \(target.host): \(error)")
        }
        do {
            try policy.check(addresses: addresses, of: target.host)
        } catch {
            return .blocked(reason: error.description)
        }
        // With insecure URLs allowed the check passes an empty list; there is still nothing to connect to.
        guard let address = addresses.first else {
            return .blocked(reason: "the callback host \(target.host) has no address: check its DNS name")
        }
        let socketAddress: SocketAddress
        do {
            socketAddress = try SocketAddress(packedIPAddress: ByteBuffer(bytes: address.bytes), port: target.port)
        } catch {
            return .blocked(reason: "the callback host \(target.host) resolved to \(address), which cannot be connected to")
        }
        let key = ServiceCallbackConnectionKey(address: address, port: target.port, secure: target.secure, serverName: target.serverName)
        let head = Self.requestHead(request, target: target)
        if let idle = pool.take(key) {
            switch await exchange(head, body: request.body, target: target, key: key, over: .reused(idle), deadline: deadline) {
            case .answered(let answer):
                return answer
            case .stale:
                // The service closed the kept-alive connection as the request went out, before answering a byte: send
                // once more, at once, on a new connection and within the same time limit. The service may have seen
                // the request: callbacks are at least once, and the Idempotency-Key, the same on every attempt, lets
                // it drop the repeat.
                if Task.isCancelled { return Self.cancelled(target.host) }
            }
        }
        switch await exchange(head, body: request.body, target: target, key: key, over: .new(socketAddress), deadline: deadline) {
        case .answered(let answer):
            return answer
        case .stale:
            // Only a reused connection is stale; a new one's loss is answered as it is.
            return Self.describe(ServiceCallbackClosedEarly(), host: target.host, timeout: timeout)
        }
    }

    /// The connection an exchange is made on.
    private enum Connection {
        /// An idle kept-alive connection from the pool.
        case reused(any Channel)
        /// A new connection to this (checked) address.
        case new(SocketAddress)
    }

    /// What an exchange came to: an answer, or a reused connection lost before the answer began.
    private enum Outcome {
        case answered(ServiceCallbackAnswer)
        case stale
    }

    /// Sends the request over `connection` and waits for the response head; hands the connection to the pool once
    /// the response has ended, if it may be reused.
    private func exchange(
        _ head: HTTPRequestHead, body: [UInt8], target: Target, key: ServiceCallbackConnectionKey, over connection: Connection,
        deadline: NIODeadline
    ) async -> Outcome {
        let pool = pool
        let abandoned = Abandoned()
        // Called on the connection's event loop once its response has ended as a reusable one should. A send that
        // was cancelled or timed out meanwhile closes the connection rather than leave it to the next send.
        let release: @Sendable (any Channel) -> Void = { channel in
            if abandoned.isSet {
                channel.close(promise: nil)
            } else {
                pool.put(channel, for: key)
            }
        }
        let bodyLimit = Self.bodyLimit
        let answer: EventLoopPromise<ServiceCallbackResponseHead>
        let channel: EventLoopFuture<any Channel>
        switch connection {
        case .reused(let idle):
            answer = idle.eventLoop.makePromise(of: ServiceCallbackResponseHead.self)
            channel = idle.eventLoop.submit {
                let sync = idle.pipeline.syncOperations
                let watch = try sync.handler(type: ServiceCallbackConnectionWatch.self)
                // The previous exchange, over, gives its place to this one.
                sync.removeHandler(try sync.handler(type: ServiceCallbackExchange.self), promise: nil)
                try sync.addHandler(ServiceCallbackExchange(
                    head: head, body: body, answer: answer, deadline: deadline, bodyLimit: bodyLimit, watch: watch, reused: true, release: release
                ))
                return idle
            }
            channel.whenFailure { error in
                // Closed since it was taken: the pipeline is gone.
                answer.fail(ServiceCallbackStaleConnection(underlying: error))
                idle.close(promise: nil)
            }
        case .new(let address):
            let eventLoop = eventLoopGroup.next()
            answer = eventLoop.makePromise(of: ServiceCallbackResponseHead.self)
            let tls = target.secure ? tlsContext : nil
            let serverName = target.serverName
            channel = ClientBootstrap(group: eventLoop)
                .connectTimeout(max(deadline - .now(), .milliseconds(1)))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        if let tls {
                            try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        }
                        let watch = ServiceCallbackConnectionWatch()
                        try sync.addHandler(watch)
                        try sync.addHTTPClientHandlers()
                        try sync.addHandler(ServiceCallbackExchange(
                            head: head, body: body, answer: answer, deadline: deadline, bodyLimit: bodyLimit, watch: watch, reused: false,
                            release: release
                        ))
                    }
                }
                .connect(to: address)
            channel.whenFailure { answer.fail($0) }
            // Once, for the connection's life: a connection the service closes while idle leaves the pool at once.
            channel.whenSuccess { channel in
                channel.closeFuture.whenComplete { _ in pool.forget(channel, for: key) }
            }
        }
        return await withTaskCancellationHandler {
            do {
                let response = try await answer.futureResult.get()
                return .answered(Self.classify(response, now: Date()))
            } catch is ServiceCallbackStaleConnection {
                return .stale
            } catch {
                return .answered(Self.describe(error, host: target.host, timeout: timeout))
            }
        } onCancel: {
            abandoned.set()
            answer.fail(CancellationError())
            channel.whenSuccess { $0.close(promise: nil) }
        }
    }

    /// The answer for a response head.
    static func classify(_ response: ServiceCallbackResponseHead, now: Date) -> ServiceCallbackAnswer {
        let status = response.status
        switch status {
        case 200..<300:
            return .accepted(status: status)
        case 429, 500..<600:
            return .retryable(status: status, retryAfter: response.retryAfter.flatMap { RetryAfter.wait($0, now: now) }, reason: "HTTP \(status)")
        case 300..<400:
            return .refused(status: status, reason: "HTTP \(status), a redirect, which is not followed: register the URL it points to")
        default:
            return .refused(status: status, reason: "HTTP \(status)")
        }
    }

    /// The answer for an error on the way, in an operator's words; with the host, never the URL.
    static func describe(_ error: any Error, host: String, timeout: Duration) -> ServiceCallbackAnswer {
        let reason: String
        switch error {
        case is CancellationError:
            return cancelled(host)
        case is ServiceCallbackClosedEarly, NIOSSLError.uncleanShutdown:
            reason = "\(host) closed the connection without answering"
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            reason = "connection refused by \(host)"
        case let error as IOError where error.errnoCode == ECONNRESET:
            reason = "connection reset by \(host)"
        case let error as IOError where [EHOSTUNREACH, ENETUNREACH, ETIMEDOUT].contains(error.errnoCode):
            reason = "\(host) is unreachable (\(String(cString: strerror(error.errnoCode))))"
        case ChannelError.connectTimeout:
            reason = "timed out after \(text(timeout)) connecting to \(host)"
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            reason = "TLS with \(host) failed: its certificate is not for that name"
        case let error as NIOSSLError:
            reason = "TLS with \(host) failed: \(tlsText(error))"
        case is HTTPParserError:
            reason = "\(host) did not answer in HTTP/1.1 (\(error))"
        default:
            reason = "network error with \(host): \(error)"
        }
        return .retryable(status: nil, retryAfter: nil, reason: reason)
    }

    /// A TLS error's words: BoringSSL's reason (`CERTIFICATE_VERIFY_FAILED`) is what an operator needs.
    private static func tlsText(_ error: NIOSSLError) -> String {
        if case .handshakeFailed(let underlying) = error {
            let text = String(describing: underlying)
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return "its certificate is not trusted (CERTIFICATE_VERIFY_FAILED; a private CA can be added with SERVICE_CALLBACK_CA_FILE)"
            }
            return "handshake failed (\(text))"
        }
        return String(describing: error)
    }

    private static func cancelled(_ host: String) -> ServiceCallbackAnswer {
        .retryable(status: nil, retryAfter: nil, reason: "cancelled before \(host) answered")
    }

    /// The request head: the headers a service's receiver expects. No `Connection` header: HTTP/1.1 keeps the
    /// connection alive unless either side says otherwise.
    private static func requestHead(_ request: ServiceCallbackRequest, target: Target) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: target.hostHeader)
        headers.add(name: "User-Agent", value: "callback-gateway")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(request.body.count))
        headers.add(name: "Authorization", value: "Bearer \(request.bearerToken)")
        headers.add(name: "Idempotency-Key", value: request.idempotencyKey)
        return HTTPRequestHead(version: .http1_1, method: .POST, uri: target.requestTarget, headers: headers)
    }

    /// Whether a header value can carry `value`: visible ASCII, spaces and tabs, nothing that ends a line.
    private static func fitsHeader(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 9 || (32...126).contains($0) }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// A duration as an operator reads it: `5 s`, `1.5 s`, or `300 ms` below a second.
    static func text(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1_000 { return "\(milliseconds) ms" }
        var fraction = String(milliseconds % 1_000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(milliseconds / 1_000) s" : "\(milliseconds / 1_000).\(fraction) s"
    }
}

/// Set once a send is cancelled or timed out, so its connection is not kept for another.
private final class Abandoned: Sendable {
    private let flag = Atomic(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() { flag.store(true, ordering: .releasing) }
}

/// Where a callback URL's request goes, read from the URL once the policy has accepted its form.
private struct Target {
    /// The URL's host without brackets: for resolution, the policy's texts and the answers' reasons.
    var host: String
    var port: Int
    var secure: Bool
    /// The `Host` header: the host, bracketed when IPv6, with the port when it is not the scheme's default.
    var hostHeader: String
    /// The path and query as the URL has them (`/` when empty); the fragment is not sent.
    var requestTarget: String
    /// The name sent in SNI and checked against the certificate; `nil` for an address literal, whose certificate is
    /// checked against the address connected to.
    var serverName: String?

    struct Refusal: Error {
        var reason: String
    }

    static func make(_ url: URL, policy: CallbackURLPolicy) -> Result<Target, Refusal> {
        do {
            _ = try policy.url(url.absoluteString)
        } catch {
            return .failure(Refusal(reason: error.description))
        }
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false), let rawHost = components.host,
              let scheme = components.scheme?.lowercased()
        else {
            return .failure(Refusal(reason: "the callback URL is not an absolute URL: give one such as https://service.example/callbacks"))
        }
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let secure = scheme == "https"
        let defaultPort = secure ? 443 : 80
        let port = components.port ?? defaultPort
        guard (1...65_535).contains(port) else {
            return .failure(Refusal(reason: "the callback URL for \(host) has port \(port), which is not a TCP port"))
        }
        let isLiteral = IPAddress(host) != nil
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return .success(Target(
            host: host,
            port: port,
            secure: secure,
            hostHeader: port == defaultPort ? bracketed : "\(bracketed):\(port)",
            requestTarget: path + (components.percentEncodedQuery.map { "?\($0)" } ?? ""),
            serverName: isLiteral ? nil : host
        ))
    }
}
