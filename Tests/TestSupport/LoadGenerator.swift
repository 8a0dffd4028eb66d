import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Sends receipts to one or several gateways over real HTTP at a bounded concurrency, and records what happened to
/// every request: the body, the gateway it went to, the HTTP status or the transport failure, the answer's outcome
/// and status, and when each step happened.
///
/// Each request is one HTTP/1.1 exchange on a connection of its own (`Connection: close`), made with plain
/// blocking sockets on threads the generator owns, never on Swift's cooperative pool. One connection per request
/// is what makes a transport failure precise: ``TransportFailure`` says whether the connection was refused (nothing
/// listened), or accepted and then closed before or during the answer, and whether the request had been written.
///
/// ```swift
/// let load = LoadGenerator(ports: [a.port, b.port], concurrency: 16)
/// let run = load.start { index in index < requests.count ? requests[index] : nil }
/// _ = await run.waitUntil(timeout: .seconds(20)) { $0.ok >= 300 }
/// ... inject a fault ...
/// let report = await run.finish()
/// ```
public final class LoadGenerator: Sendable {
    /// The ports of the gateways on 127.0.0.1; ``LoadRequest/target`` indexes them.
    public let ports: [Int]
    /// Requests in flight at once (one thread each).
    public let concurrency: Int
    /// At most this many requests start per second, evenly spaced (a run that fell behind does not catch up in a
    /// burst); `nil` for as fast as the gateways answer.
    public let ratePerSecond: Double?
    /// How long one exchange may take (connect, send, answer) before it counts as ``TransportFailure/timedOut(_:)``:
    /// a bound that detects a hang, not a speed requirement.
    public let timeout: Duration

    public init(ports: [Int], concurrency: Int, ratePerSecond: Double? = nil, timeout: Duration = .seconds(20)) {
        precondition(!ports.isEmpty && concurrency > 0)
        self.ports = ports
        self.concurrency = concurrency
        self.ratePerSecond = ratePerSecond
        self.timeout = timeout
    }

    /// Starts sending; `next(index)` gives the request of that index, or `nil` when there are no more. It is called
    /// under a lock, in index order.
    public func start(_ next: @escaping @Sendable (Int) -> LoadRequest?) -> LoadRun {
        let run = LoadRun(generator: self, next: next)
        run.launch()
        return run
    }

    /// Sends every request and returns the report.
    public func run(_ requests: [LoadRequest]) async -> LoadReport {
        await start { $0 < requests.count ? requests[$0] : nil }.finish()
    }

    /// Sends one request, waiting without blocking the caller's thread.
    public func send(_ request: LoadRequest) async -> LoadResult {
        await run([request]).results[0]
    }
}

/// One receipt to send.
public struct LoadRequest: Sendable, Hashable {
    /// Which of the generator's ports it goes to.
    public var target: Int
    /// `firetext` or `mmg`: the route, and the provider half of the receipt's dedupe key.
    public var provider: String
    public var path: String
    public var contentType: String
    public var body: String
    /// The notification the receipt names, for the tests' bookkeeping.
    public var notificationID: UUID?
    /// The mapping target the test expects the receipt to have (`delivered`, `pending`, `failure`...).
    public var expectedTarget: String?

    public init(
        target: Int, provider: String, path: String, contentType: String, body: String,
        notificationID: UUID? = nil, expectedTarget: String? = nil
    ) {
        self.target = target
        self.provider = provider
        self.path = path
        self.contentType = contentType
        self.body = body
        self.notificationID = notificationID
        self.expectedTarget = expectedTarget
    }

    /// The same receipt sent to another gateway.
    public func sent(to target: Int) -> LoadRequest {
        var copy = self
        copy.target = target
        return copy
    }

    /// What identifies the receipt in `callback_receipts` (the gateway dedupes on provider and body).
    public var key: ReceiptKey { ReceiptKey(provider: provider, body: body) }
}

/// A receipt as the gateway dedupes it: provider and exact body.
public struct ReceiptKey: Sendable, Hashable {
    public var provider: String
    public var body: String

    public init(provider: String, body: String) {
        self.provider = provider
        self.body = body
    }
}

/// Why a request got no HTTP answer.
public enum TransportFailure: Sendable, Hashable, CustomStringConvertible {
    /// `connect` was refused: nothing listened on the port.
    case refused
    /// The connection was accepted, then closed or reset before a single byte of an answer. `requestSent` says
    /// whether the whole request had been written first.
    case closedBeforeAnswer(requestSent: Bool)
    /// Part of an answer arrived, then the connection closed.
    case closedMidAnswer
    /// Nothing happened for the generator's timeout, in this phase (`connect`, `send`, `answer`).
    case timedOut(String)
    /// Anything else, with the error's name.
    case other(String)

    public var description: String {
        switch self {
        case .refused: "refused at connect"
        case .closedBeforeAnswer(true): "closed after the request, before any answer"
        case .closedBeforeAnswer(false): "closed while sending the request"
        case .closedMidAnswer: "closed in the middle of the answer"
        case .timedOut(let phase): "timed out in \(phase)"
        case .other(let reason): reason
        }
    }
}

/// What happened to one request.
public struct LoadResult: Sendable {
    /// The request's index in the run.
    public let index: Int
    public let request: LoadRequest
    /// The port it went to.
    public let port: Int
    /// The HTTP status, when a complete answer arrived.
    public let status: Int?
    /// Why there was no complete answer.
    public let failure: TransportFailure?
    /// `outcome` and `status` of a success answer (`{"result":"success","outcome":...,"status":...}`).
    public let outcome: String?
    public let statusWritten: String?
    /// The `Retry-After` header of the answer, if any.
    public let retryAfter: String?
    public let responseBody: String
    public let startedAt: ContinuousClock.Instant
    /// When `connect` succeeded; `nil` when it did not.
    public let connectedAt: ContinuousClock.Instant?
    /// When the whole request had been written; `nil` when it was not.
    public let sentAt: ContinuousClock.Instant?
    public let finishedAt: ContinuousClock.Instant

    public var isOK: Bool { status == 200 }
}

/// Counts kept while a run goes on, cheap to read.
public struct LoadProgress: Sendable {
    public var started = 0
    public var completed = 0
    public var ok = 0
    public var unavailable = 0
    public var otherStatus = 0
    public var transportFailures = 0
    /// When the latest 200 arrived.
    public var lastOKAt: ContinuousClock.Instant?
}

/// A run in progress; see ``LoadGenerator/start(_:)``.
public final class LoadRun: @unchecked Sendable {
    private let generator: LoadGenerator
    private let next: @Sendable (Int) -> LoadRequest?
    private let lock = NSLock()
    private var nextIndex = 0
    private var nextSlot = ContinuousClock.now
    private var stopped = false
    private var results: [LoadResult] = []
    private var counts = LoadProgress()
    private var workersLeft: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// When the run started.
    public let startedAt = ContinuousClock.now

    init(generator: LoadGenerator, next: @escaping @Sendable (Int) -> LoadRequest?) {
        self.generator = generator
        self.next = next
        self.workersLeft = generator.concurrency
    }

    func launch() {
        for number in 0..<generator.concurrency {
            let thread = Thread { [self] in work() }
            thread.name = "load-\(number)"
            thread.start()
        }
    }

    /// Takes no further requests; those in flight finish.
    public func stop() {
        lock.withLock { stopped = true }
    }

    /// The counts so far.
    public var progress: LoadProgress { lock.withLock { counts } }

    /// The results so far, in the order they completed.
    public var resultsSoFar: [LoadResult] { lock.withLock { results } }

    /// Waits (polling every 20 ms, without blocking a thread) until `condition` holds for the progress, or the
    /// run has nothing left to send, or `timeout` passes; returns whether the condition held.
    public func waitUntil(timeout: Duration, _ condition: (LoadProgress) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (current, done) = lock.withLock { (counts, workersLeft == 0) }
            if condition(current) { return true }
            if done { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(progress)
    }

    /// Waits until every request taken has been answered (call ``stop()`` first for an open-ended run) and returns
    /// the report, results in index order.
    public func finish() async -> LoadReport {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if workersLeft == 0 {
                lock.unlock()
                continuation.resume()
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
        let all = lock.withLock { results }.sorted { $0.index < $1.index }
        return LoadReport(results: all, startedAt: startedAt, finishedAt: .now)
    }

    private func work() {
        while let (index, request, slot) = take() {
            if let slot {
                let wait = slot - .now
                if wait > .zero { Thread.sleep(forTimeInterval: Self.seconds(wait)) }
            }
            let port = generator.ports[request.target]
            let result = HTTPExchange.perform(index: index, request: request, port: port, timeout: generator.timeout)
            lock.withLock {
                results.append(result)
                counts.completed += 1
                switch (result.status, result.failure) {
                case (200?, _):
                    counts.ok += 1
                    counts.lastOKAt = result.finishedAt
                case (503?, _): counts.unavailable += 1
                case (_?, _): counts.otherStatus += 1
                default: counts.transportFailures += 1
                }
            }
        }
        let pending: [CheckedContinuation<Void, Never>] = lock.withLock {
            workersLeft -= 1
            guard workersLeft == 0 else { return [] }
            defer { waiters = [] }
            return waiters
        }
        for waiter in pending { waiter.resume() }
    }

    /// The next request, and when it may start: evenly spaced at the generator's rate, never sooner than the one
    /// before it by the interval, and never catching up in a burst after the run fell behind.
    private func take() -> (Int, LoadRequest, ContinuousClock.Instant?)? {
        lock.withLock {
            guard !stopped, let request = next(nextIndex) else {
                stopped = true
                return nil
            }
            defer { nextIndex += 1 }
            counts.started += 1
            var slot: ContinuousClock.Instant?
            if let rate = generator.ratePerSecond {
                let start = max(nextSlot, .now)
                nextSlot = start + .seconds(1 / rate)
                slot = start
            }
            return (nextIndex, request, slot)
        }
    }

    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Everything a run did.
public struct LoadReport: Sendable {
    /// One per request, in index order.
    public let results: [LoadResult]
    public let startedAt: ContinuousClock.Instant
    public let finishedAt: ContinuousClock.Instant

    public init(results: [LoadResult], startedAt: ContinuousClock.Instant, finishedAt: ContinuousClock.Instant) {
        self.results = results
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    public var sent: Int { results.count }
    public func count(status: Int) -> Int { results.count { $0.status == status } }
    /// Answers that are neither 200 nor 503, by status.
    public var otherStatuses: [Int: Int] {
        results.reduce(into: [:]) { counts, result in
            if let status = result.status, status != 200, status != 503 { counts[status, default: 0] += 1 }
        }
    }
    public var transportFailures: [LoadResult] { results.filter { $0.failure != nil } }
    /// Transport failures by kind.
    public var failureCounts: [String: Int] {
        transportFailures.reduce(into: [:]) { $0[$1.failure!.description, default: 0] += 1 }
    }
    /// The distinct receipts some gateway answered 200.
    public var keysAnswered200: Set<ReceiptKey> { Set(results.filter(\.isOK).map(\.request.key)) }
    /// Every distinct receipt sent.
    public var keysSent: Set<ReceiptKey> { Set(results.map(\.request.key)) }

    /// One line: sent, statuses, transport failures by kind.
    public var summary: String {
        var parts = ["sent \(sent)", "200: \(count(status: 200))", "503: \(count(status: 503))"]
        for (status, count) in otherStatuses.sorted(by: { $0.key < $1.key }) { parts.append("\(status): \(count)") }
        parts.append("transport errors: \(transportFailures.count)")
        for (kind, count) in failureCounts.sorted(by: { $0.key < $1.key }) { parts.append("  \(kind): \(count)") }
        parts.append(String(format: "in %.1f s", LoadRun.seconds(finishedAt - startedAt)))
        return parts.joined(separator: ", ")
    }

    /// Joins the results of several runs (a resend phase after a fault), re-indexed in order.
    public static func merged(_ reports: [LoadReport]) -> LoadReport {
        LoadReport(
            results: reports.flatMap(\.results),
            startedAt: reports.map(\.startedAt).min() ?? .now,
            finishedAt: reports.map(\.finishedAt).max() ?? .now
        )
    }
}

/// Receipt bodies as Firetext and MMG send them (see `fixtures/firetext` and `fixtures/mmg`), with a nonce so
/// that distinct receipts have distinct bodies: Firetext's `time` and `mobile`, MMG's own `reference` and
/// `deliverytime`. The same arguments give the same body byte for byte, which is how a test makes a real resend.
public enum ReceiptBodies {
    public static let firetextPath = "/notifications/sms/firetext"
    public static let mmgPath = "/notifications/sms/mmg"

    /// A Firetext receipt: `status` 0 delivered, 1 failed (with `code` classifying it), 2 pending.
    public static func firetext(
        _ notification: UUID, status: String, code: String? = nil, nonce: Int, target: Int = 0, expectedTarget: String? = nil
    ) -> LoadRequest {
        var body = "mobile=\(mobile(nonce))&status=\(status)&time=\(time(nonce, separator: "+", colon: "%3A"))"
            + "&reference=\(notification.uuidString.lowercased())"
        if let code { body += "&code=\(code)" }
        return LoadRequest(
            target: target, provider: "firetext", path: firetextPath, contentType: "application/x-www-form-urlencoded",
            body: body, notificationID: notification, expectedTarget: expectedTarget
        )
    }

    /// An MMG receipt: `status` 3 delivered, 2 and 5 permanent failure, 4 temporary failure; sent as a number, or
    /// as a string when `quoted`.
    public static func mmg(
        _ notification: UUID, status: Int, substatus: Int = 5, quoted: Bool = false, nonce: Int, target: Int = 0,
        expectedTarget: String? = nil
    ) -> LoadRequest {
        let statusText = quoted ? "\"\(status)\"" : "\(status)"
        let body = #"{"reference":"mmg-\#(nonce)","CID":"\#(notification.uuidString.lowercased())","MSISDN":"\#(mobile(nonce))","#
            + #""status":\#(statusText),"substatus":\#(substatus),"deliverytime":"\#(time(nonce, separator: " ", colon: ":"))"}"#
        return LoadRequest(
            target: target, provider: "mmg", path: mmgPath, contentType: "application/json",
            body: body, notificationID: notification, expectedTarget: expectedTarget
        )
    }

    /// A phone number of the drama range.
    private static func mobile(_ nonce: Int) -> String {
        "447700900" + String(format: "%03d", nonce % 1000)
    }

    /// A UK local time on 2026-11-29 or after, one second per nonce.
    private static func time(_ nonce: Int, separator: String, colon: String) -> String {
        let day = 29 + (nonce / 86_400) % 2
        let second = nonce % 86_400
        return String(format: "2026-11-%02d", day) + separator
            + String(format: "%02d\(colon)%02d\(colon)%02d", second / 3600, second / 60 % 60, second % 60)
    }
}

/// One blocking HTTP/1.1 exchange on a fresh connection; runs on a generator thread.
enum HTTPExchange {
    static func perform(index: Int, request: LoadRequest, port: Int, timeout: Duration) -> LoadResult {
        let started = ContinuousClock.now
        var connected: ContinuousClock.Instant?
        var sent: ContinuousClock.Instant?
        func failed(_ failure: TransportFailure) -> LoadResult {
            LoadResult(
                index: index, request: request, port: port, status: nil, failure: failure, outcome: nil,
                statusWritten: nil, retryAfter: nil, responseBody: "", startedAt: started, connectedAt: connected,
                sentAt: sent, finishedAt: .now
            )
        }

        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return failed(.other("socket: \(String(cString: strerror(errno)))")) }
        defer { close(descriptor) }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        var connectResult: Int32
        repeat {
            connectResult = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        } while connectResult != 0 && errno == EINTR
        guard connectResult == 0 else {
            switch errno {
            case ECONNREFUSED: return failed(.refused)
            case EINPROGRESS, EAGAIN, ETIMEDOUT: return failed(.timedOut("connect"))
            default: return failed(.other("connect: \(String(cString: strerror(errno)))"))
            }
        }
        connected = .now

        let head = "POST \(request.path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: \(request.contentType)\r\n"
            + "Content-Length: \(request.body.utf8.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array((head + request.body).utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return failed(.timedOut("send"))
            } else {
                return failed(.closedBeforeAnswer(requestSent: false))
            }
        }
        sent = .now

        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            if let answer = HTTPAnswer(parsing: received, complete: false) {
                return answer.result(index: index, request: request, port: port, started: started, connected: connected, sent: sent)
            }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[0..<count]
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return failed(.timedOut("answer")) }
            // End of stream or reset: an answer framed by the close is complete; anything else was cut.
            if let answer = HTTPAnswer(parsing: received, complete: true) {
                return answer.result(index: index, request: request, port: port, started: started, connected: connected, sent: sent)
            }
            return failed(received.isEmpty ? .closedBeforeAnswer(requestSent: true) : .closedMidAnswer)
        }
    }
}

/// A parsed HTTP/1.1 answer: status line, headers, and a body framed by `Content-Length`, chunks, or the close.
struct HTTPAnswer {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    /// `nil` while `bytes` do not hold a whole answer yet; `complete` says the connection has closed.
    init?(parsing bytes: [UInt8], complete: Bool) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.dropLast(3).first(where: { bytes[$0..<($0 + 4)].elementsEqual(separator) }) else { return nil }
        let headText = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let rest = Array(bytes[(end + 4)...])
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            guard rest.count >= length else { return nil }
            body = Array(rest[..<length])
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let decoded = Self.dechunk(rest) else { return nil }
            body = decoded
        } else {
            guard complete else { return nil }
            body = rest
        }
        self.status = status
        self.headers = headers
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
        var body: [UInt8] = []
        var position = 0
        while true {
            guard let lineEnd = (position..<max(position, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { return nil }
            let sizeText = String(decoding: bytes[position..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            let start = lineEnd + 2
            if size == 0 { return body }
            guard bytes.count >= start + size + 2 else { return nil }
            body += bytes[start..<(start + size)]
            position = start + size + 2
        }
    }

    func result(
        index: Int, request: LoadRequest, port: Int, started: ContinuousClock.Instant, connected: ContinuousClock.Instant?,
        sent: ContinuousClock.Instant?
    ) -> LoadResult {
        let text = String(decoding: body, as: UTF8.self)
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        return LoadResult(
            index: index, request: request, port: port, status: status, failure: nil,
            outcome: object?["outcome"] as? String, statusWritten: object?["status"] as? String,
            retryAfter: headers["retry-after"], responseBody: text, startedAt: started, connectedAt: connected,
            sentAt: sent, finishedAt: .now
        )
    }
}
