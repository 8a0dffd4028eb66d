import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real HTTP server on 127.0.0.1 (ephemeral port) that records every request it receives, standing in for a
/// Slack-compatible webhook in tests. It can be told to answer 200, another status (500), or nothing at all
/// (stall), to test delivery, failure and timeouts.
///
/// A minimal HTTP/1.1 server: one request per connection (answered with `Connection: close`), bodies framed by
/// `Content-Length` (what `URLSession` sends for a body it is given whole), `Expect: 100-continue` honoured. All
/// sockets are non-blocking and served by one dedicated thread polling with a short timeout, never by Swift's
/// cooperative pool; the thread checks for ``close()`` after every poll and closes every socket itself. Use
/// ``withReceiver(_:)`` so the thread never outlives the test, even when the test throws.
public final class WebhookReceiver: Sendable {
    /// How the receiver answers requests that arrive from now on.
    public enum Answer: Sendable, Equatable {
        /// 200 with a short body, as Slack answers.
        case ok
        /// This status with a short body.
        case status(Int)
        /// No answer: the connection is held open until the client gives up or the receiver closes.
        case stall
        /// This status, these extra headers (a redirect's `Location`) and this body, e.g. a certificate.
        case respond(status: Int, headers: [String: String], body: String)
    }

    /// One request received.
    public struct Request: Sendable {
        /// The method, e.g. `POST`.
        public var method: String
        /// The request target: path and query, as sent.
        public var target: String
        /// The headers, names lower-cased.
        public var headers: [String: String]
        /// The body, decoded as UTF-8.
        public var body: String
        /// The status it was answered with; `nil` when the receiver stalled.
        public var answeredWith: Int?
        /// When it had been read in full.
        public var receivedAt: ContinuousClock.Instant = .now
    }

    /// The port the receiver is bound to.
    public let port: Int
    private let server: Server

    /// Binds to 127.0.0.1 on `port` (0: one the system picks) and starts serving, answering 200. A given port is
    /// how a test brings a receiver back up where an earlier one was.
    public init(port requested: Int = 0) throws {
        let descriptor = try Self.listen(port: requested)
        port = LocalSocket.port(of: descriptor)
        server = Server()
        let thread = Thread { [server] in server.serve(listener: descriptor) }
        thread.name = "webhook-receiver-\(port)"
        thread.start()
    }

    deinit { server.stop() }

    /// Runs `body` with a fresh receiver and closes it afterwards, whatever happens.
    public static func withReceiver<T>(_ body: (WebhookReceiver) async throws -> T) async throws -> T {
        let receiver = try WebhookReceiver()
        do {
            let result = try await body(receiver)
            await receiver.close()
            return result
        } catch {
            await receiver.close()
            throw error
        }
    }

    /// A URL on this receiver; by default one carrying a secret in its path and query, as real webhook URLs do, so
    /// tests can check that it never reaches a log.
    public func url(path: String = "/services/T000/B000/secret-path-token?token=secret-query-token") -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)")!
    }

    /// Answers requests that arrive from now on with `answer`.
    public func answer(_ answer: Answer) {
        server.answer.withLock { $0 = (next: [], then: answer) }
    }

    /// Answers the next requests with `first`, one each in order, and every request after them with `later`. A test
    /// that needs "fail once, then succeed" says so here rather than switching answers after the first arrives,
    /// which a retry faster than the test's own wake-up would race.
    public func answer(first: [Answer], then later: Answer) {
        server.answer.withLock { $0 = (next: first, then: later) }
    }

    /// Every request received so far, in order of arrival.
    public var requests: [Request] { server.requests.withLock { $0 } }

    /// The bodies of every POST received so far, answered or not, in order of arrival.
    public var bodies: [String] { requests.filter { $0.method == "POST" }.map(\.body) }

    /// Waits until `condition` holds for the requests received, or `limit` has passed, and returns the requests.
    public func requests(waitingUpTo limit: Duration, until condition: ([Request]) -> Bool) async -> [Request] {
        await poll(every: .milliseconds(5), upTo: limit) {
            let current = requests
            return condition(current) ? current : nil
        } ?? requests
    }

    /// Collects requests for `duration` and returns them, for checking that something did *not* arrive.
    public func requests(after duration: Duration) async -> [Request] {
        try? await Task.sleep(for: duration)
        return requests
    }

    /// Stops the serving thread and returns once it has closed every socket.
    public func close() async {
        server.stop()
        while !server.finished.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private static func listen(port: Int) throws -> Int32 {
        #if canImport(Darwin)
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #else
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard descriptor >= 0 else { throw TestSetupError("cannot open a TCP socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bindDescriptor(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listenDescriptor(descriptor) == 0, makeNonBlocking(descriptor) else {
            _ = closeDescriptor(descriptor)
            throw TestSetupError("cannot listen on a TCP socket on 127.0.0.1")
        }
        return descriptor
    }
}

/// What the serving thread shares with the receiver; separate from it so the thread does not keep the receiver
/// alive, and `deinit` can still tell the thread to stop.
private final class Server: Sendable {
    /// The scripted answers still to give, in order, and the answer for every request after them.
    let answer = Mutex<(next: [WebhookReceiver.Answer], then: WebhookReceiver.Answer)>((next: [], then: .ok))
    let requests = Mutex<[WebhookReceiver.Request]>([])
    let stopping = Mutex(false)
    let finished = Mutex(false)

    func stop() { stopping.withLock { $0 = true } }

    /// The serving loop; runs on the receiver's own thread until ``stop()``.
    func serve(listener: Int32) {
        var connections: [Int32: Connection] = [:]
        while !stopping.withLock({ $0 }) {
            var polled = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            polled += connections.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&polled, nfds_t(polled.count), 20) > 0 else { continue }
            for entry in polled where entry.revents != 0 {
                if entry.fd == listener {
                    acceptAll(from: listener, into: &connections)
                } else if var connection = connections[entry.fd] {
                    let open = serve(&connection)
                    connections[entry.fd] = open ? connection : nil
                    if !open { _ = closeDescriptor(entry.fd) }
                }
            }
        }
        for descriptor in connections.keys { _ = closeDescriptor(descriptor) }
        _ = closeDescriptor(listener)
        finished.withLock { $0 = true }
    }

    private func acceptAll(from listener: Int32, into connections: inout [Int32: Connection]) {
        while true {
            let descriptor = accept(listener, nil, nil)
            guard descriptor >= 0 else { return }
            // Close-on-exec, so that a gateway process a test starts meanwhile does not inherit the connection.
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            guard makeNonBlocking(descriptor) else {
                _ = closeDescriptor(descriptor)
                continue
            }
            #if canImport(Darwin)
            // Darwin has no MSG_NOSIGNAL: a client that hung up must not kill the test process with SIGPIPE.
            var one: Int32 = 1
            _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            #endif
            connections[descriptor] = Connection(descriptor: descriptor)
        }
    }

    /// Reads what arrived on a connection and answers a complete request. Returns whether to keep it open.
    private func serve(_ connection: inout Connection) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(connection.descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return false }
            if count < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }
            // A stalled connection only waits for the client to hang up; anything more it sends is ignored.
            if connection.isStalled { continue }
            connection.buffer += chunk[0..<count]
            guard let request = connection.parse() else {
                if connection.wantsContinue, !connection.sentContinue {
                    connection.sentContinue = true
                    write("HTTP/1.1 100 Continue\r\n\r\n", to: connection.descriptor)
                }
                continue
            }
            let answer = answer.withLock { script in
                script.next.isEmpty ? script.then : script.next.removeFirst()
            }
            var recorded = request
            switch answer {
            case .stall:
                connection.isStalled = true
                requests.withLock { $0.append(recorded) }
            case .ok, .status, .respond:
                var extra = ""
                let body: String
                let status: Int
                switch answer {
                case .status(let code):
                    status = code
                    body = code < 300 ? "ok" : "error"
                case .respond(let code, let headers, let text):
                    status = code
                    body = text
                    extra = headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)\r\n" }.joined()
                default:
                    status = 200
                    body = "ok"
                }
                recorded.answeredWith = status
                requests.withLock { $0.append(recorded) }
                write(
                    "HTTP/1.1 \(status) \(status < 300 ? "OK" : status < 400 ? "Redirect" : "Error")\r\nContent-Type: text/plain\r\n"
                        + extra + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)",
                    to: connection.descriptor
                )
                return false
            }
        }
    }

    private func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        // The answers are tiny, so the socket buffer takes them at once; the loop only guards against EINTR.
        var attempts = 0
        while offset < bytes.count, attempts < 100 {
            attempts += 1
            let sent = bytes.withUnsafeMutableBytes {
                send(descriptor, $0.baseAddress! + offset, $0.count - offset, sendFlags)
            }
            if sent > 0 { offset += sent } else if errno != EINTR && errno != EAGAIN { return }
        }
    }
}

/// One client connection and what it has sent so far.
private struct Connection {
    let descriptor: Int32
    var buffer: [UInt8] = []
    var wantsContinue = false
    var sentContinue = false
    var isStalled = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The request, once its head and its `Content-Length` bytes of body have arrived.
    mutating func parse() -> WebhookReceiver.Request? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = buffer.firstRange(of: separator)?.upperBound else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard let requestLine = lines.first else { return nil }
        let parts = requestLine.split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        wantsContinue = headers["expect"]?.lowercased() == "100-continue"
        let length = headers["content-length"].flatMap { Int($0) } ?? 0
        guard buffer.count - headEnd >= length else { return nil }
        return WebhookReceiver.Request(
            method: parts.first.map(String.init) ?? "",
            target: parts.count > 1 ? String(parts[1]) : "",
            headers: headers,
            body: String(decoding: buffer[headEnd..<(headEnd + length)], as: UTF8.self),
            answeredWith: nil
        )
    }
}

// At file scope, where `close`, `bind` and `listen` still mean the C functions rather than the receiver's methods.
private func closeDescriptor(_ descriptor: Int32) -> Int32 { close(descriptor) }

private func bindDescriptor(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    bind(descriptor, address, length)
}

private func listenDescriptor(_ descriptor: Int32) -> Int32 { listen(descriptor, 64) }

private func makeNonBlocking(_ descriptor: Int32) -> Bool {
    let flags = fcntl(descriptor, F_GETFL, 0)
    return flags >= 0 && fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0
}

#if canImport(Darwin)
private let sendFlags: Int32 = 0
#else
private let sendFlags = Int32(MSG_NOSIGNAL)
#endif
