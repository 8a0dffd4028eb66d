import CallbackCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
#if canImport(Glibc)
import Glibc
#endif

/// Sends one service callback: one POST over one new connection, and what became of it as a
/// ``ServiceCallbackAnswer``.
///
/// The URL's host is resolved here, once, its addresses checked by ``CallbackURLPolicy/check(addresses:of:)``, and the
/// connection made to exactly the first checked address (DNS pinning): a client that resolved on its own could be
/// given another address by a second DNS answer, which is how a callback URL would reach inside the network. TLS still
/// sends the host name (SNI) and verifies the certificate for it.
///
/// One request per connection (`Connection: close`) and no pooling: callbacks go to many hosts, and the number in
/// flight per host is the dispatcher's to bound. Redirects are not followed (the registered URL is the one that was
/// checked). Nothing is logged: the answer says what happened.
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

    /// A sender whose every send ends within `timeout`. `extraTrustRootsFile` is a PEM file of CA certificates trusted
    /// in addition to the system's, for services behind a private CA; it is read here, so a file that cannot be read
    /// is an error at start-up rather than at every send.
    public init(
        policy: CallbackURLPolicy,
        timeout: Duration,
        extraTrustRootsFile: String? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
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
    }

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
        return await withTaskGroup(of: ServiceCallbackAnswer?.self) { group in
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
    }

    /// Checks, resolves, checks the addresses, connects and exchanges; every step answers cancellation at once.
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
            addresses = try await Self.resolve(target.host, on: eventLoopGroup.next())
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
        return await exchange(request, target: target, address: socketAddress, deadline: deadline)
    }

    /// Connects to `address`, sends the request and waits for the response head.
    private func exchange(_ request: ServiceCallbackRequest, target: Target, address: SocketAddress, deadline: NIODeadline) async -> ServiceCallbackAnswer {
        let eventLoop = eventLoopGroup.next()
        let answer = eventLoop.makePromise(of: ServiceCallbackResponseHead.self)
        let head = Self.requestHead(request, target: target)
        let body = request.body
        let tls = target.secure ? tlsContext : nil
        let serverName = target.serverName
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(max(deadline - .now(), .milliseconds(1)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        ServiceCallbackExchange(head: head, body: body, answer: answer, deadline: deadline, bodyLimit: Self.bodyLimit)
                    )
                }
            }
            .connect(to: address)
        connected.whenFailure { answer.fail($0) }
        return await withTaskCancellationHandler {
            do {
                let response = try await answer.futureResult.get()
                return Self.classify(response, now: Date())
            } catch {
                return Self.describe(error, host: target.host, timeout: timeout)
            }
        } onCancel: {
            answer.fail(CancellationError())
            connected.whenSuccess { $0.close(promise: nil) }
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

    /// The request head: the headers a service's receiver expects, and `Connection: close`.
    private static func requestHead(_ request: ServiceCallbackRequest, target: Target) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: target.hostHeader)
        headers.add(name: "User-Agent", value: "callback-gateway")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(request.body.count))
        headers.add(name: "Authorization", value: "Bearer \(request.bearerToken)")
        headers.add(name: "Idempotency-Key", value: request.idempotencyKey)
        headers.add(name: "Connection", value: "close")
        return HTTPRequestHead(version: .http1_1, method: .POST, uri: target.requestTarget, headers: headers)
    }

    /// Resolves `host` on NIO's thread pool (getaddrinfo blocks, and must not hold one of Swift's few cooperative
    /// threads); cancellation throws at once and leaves the lookup to finish unheard.
    private static func resolve(_ host: String, on eventLoop: any EventLoop) async throws -> [IPAddress] {
        // An address literal is its own answer: no thread to hop to.
        if let literal = IPAddress(host) { return [literal] }
        let resolved = eventLoop.makePromise(of: [IPAddress].self)
        return try await withTaskCancellationHandler {
            NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) { HostAddresses.resolve(host) }.cascade(to: resolved)
            return try await resolved.futureResult.get()
        } onCancel: {
            resolved.fail(CancellationError())
        }
    }

    /// Whether a header value can carry `value`: visible ASCII, spaces and tabs, nothing that ends a line.
    private static func fitsHeader(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 9 || (32...126).contains($0) }
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
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
