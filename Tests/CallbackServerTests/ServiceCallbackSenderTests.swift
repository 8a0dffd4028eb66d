import CallbackCore
import CallbackServer
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The transport of services' callbacks against a real receiver on 127.0.0.1: a small Python server in a process of
/// its own that records every connection (before TLS, so a refused send is seen not to connect at all), the SNI name,
/// and each request's method, target, headers and body, and answers as told (with `Connection: close` unless told to
/// keep connections alive: see `ServiceCallbackSenderKeepAliveTests`).
@Suite("ServiceCallbackSender")
struct ServiceCallbackSenderTests {
    static let token = "secret-bearer-token-4f1c"
    static let path = "/hooks/secret-path-segment?signature=secret-query-value"
    static let body = Array(#"{"id":"9b7c2a4e-0000-4000-8000-000000000001","status":"delivered"}"#.utf8)
    static let open = CallbackURLPolicy(allowInsecure: true)
    static let strict = CallbackURLPolicy(allowInsecure: false)
    /// The time limit where it is not what a test is about. With the whole suite running in parallel on two cores, a
    /// refused connection to 127.0.0.1 was once answered only after 5 s (the cooperative threads were busy), so a
    /// tight limit would turn the expected answer into a time-out.
    static let generous: Duration = .seconds(30)

    static func request(_ url: String, token: String = token) -> ServiceCallbackRequest {
        ServiceCallbackRequest(url: URL(string: url)!, bearerToken: token, idempotencyKey: "delivery-status:9b7c2a4e:3", body: body)
    }

    /// No answer holds the token or the URL's path or query: the reasons go to logs and the CLI.
    static func expectNoSecrets(_ answer: ServiceCallbackAnswer, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = String(describing: answer)
        for secret in [token, "secret-path-segment", "secret-query-value"] {
            #expect(!text.contains(secret), "\(text)", sourceLocation: sourceLocation)
        }
    }

    @Test("200: accepted, and the receiver got exactly the POST, headers and body")
    func accepted() async throws {
        try await Receiver.with(.init(status: 200)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            let answer = await sender.send(Self.request("http://127.0.0.1:\(receiver.port)\(Self.path)"))
            #expect(answer == .accepted(status: 200))
            let requests = try await receiver.requests(count: 1)
            let request = try #require(requests.first)
            #expect(request.method == "POST")
            #expect(request.target == Self.path)
            #expect(request.body == String(decoding: Self.body, as: UTF8.self))
            #expect(request.headers == [
                "host": "127.0.0.1:\(receiver.port)",
                "user-agent": "callback-gateway",
                "content-type": "application/json",
                "content-length": String(Self.body.count),
                "authorization": "Bearer \(Self.token)",
                "idempotency-key": "delivery-status:9b7c2a4e:3",
            ])
            // Each header once: a duplicate would collapse in the dictionary above. No `Connection: close`: the
            // connection may be kept alive.
            #expect(request.headerLines.count == 6, "\(request.headerLines)")
            #expect(receiver.events.filter { $0.event == "connection" }.count == 1)
        }
    }

    @Test("5xx and 429 are retryable, with Retry-After as seconds or an HTTP-date", arguments: [
        (500, nil as String?, nil as ClosedRange<Int>?),
        (429, "7", 7...7),
        (503, "date+120", 0...0), // 120 s less the time the test took, checked below
        (503, "soon", nil),
    ])
    func retryable(status: Int, retryAfter: String?, expected: ClosedRange<Int>?) async throws {
        var headers: [String: String] = [:]
        let madeAt = Date()
        if let retryAfter {
            headers["Retry-After"] = retryAfter == "date+120" ? Self.httpDate(madeAt.addingTimeInterval(120)) : retryAfter
        }
        try await Receiver.with(.init(status: status, headers: headers)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            let answer = await sender.send(Self.request("http://127.0.0.1:\(receiver.port)\(Self.path)"))
            guard case .retryable(let answered, let wait, let reason) = answer else {
                Issue.record("expected retryable, got \(answer)")
                return
            }
            #expect(answered == status)
            #expect(reason == "HTTP \(status)")
            if var expected {
                let seconds = try #require(wait).components.seconds
                if retryAfter == "date+120" {
                    // The date has whole seconds, and the test's own time has passed since it was made.
                    let taken = Int(Date().timeIntervalSince(madeAt).rounded(.up))
                    expected = (119 - taken)...120
                }
                #expect(expected.contains(Int(seconds)), "waits \(seconds) s")
            } else {
                #expect(wait == nil)
            }
            #expect(try await receiver.requests(count: 1).count == 1)
        }
    }

    @Test("400 is refused, and a 302 is refused rather than followed")
    func refused() async throws {
        try await Receiver.with(.init(status: 400)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            let answer = await sender.send(Self.request("http://127.0.0.1:\(receiver.port)\(Self.path)"))
            #expect(answer == .refused(status: 400, reason: "HTTP 400"))
        }
        try await Receiver.with(.init(status: 302, headers: ["Location": "/elsewhere"])) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            let answer = await sender.send(Self.request("http://127.0.0.1:\(receiver.port)\(Self.path)"))
            guard case .refused(302, let reason) = answer else {
                Issue.record("expected refused 302, got \(answer)")
                return
            }
            #expect(reason.contains("not followed"))
            Self.expectNoSecrets(answer)
            // Had the redirect been followed, a second request for /elsewhere would arrive.
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.events.filter { $0.event == "request" }.map(\.target) == [Self.path])
        }
    }

    @Test("nothing listening: retryable, connection refused")
    func nothingListening() async throws {
        // Held bound, not merely found free: another test's receiver could take a free port meanwhile.
        let reserved = try ReservedPort()
        let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
        let answer = await sender.send(Self.request("http://127.0.0.1:\(reserved.port)\(Self.path)"))
        reserved.release()
        #expect(answer == .retryable(status: nil, retryAfter: nil, reason: "connection refused by 127.0.0.1"))
    }

    @Test("a receiver that never answers: retryable once the time limit has passed, not much later")
    func neverAnswers() async throws {
        try await Receiver.with(.init(stall: true)) { receiver in
            // 5 s: long enough for the request to be sent even on a loaded machine (the limit passed before the
            // connection was made with 0.6 s and four busy loops on the two cores, and with 1.5 s while the whole
            // suite ran beside a database load), short enough to wait for.
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: .seconds(5))
            let started = ContinuousClock.now
            let answer = await sender.send(Self.request("http://127.0.0.1:\(receiver.port)\(Self.path)"))
            let elapsed = ContinuousClock.now - started
            #expect(answer == .retryable(status: nil, retryAfter: nil, reason: "timed out after 5 s waiting for 127.0.0.1"))
            // Not much later: the receiver never answers, so without the bound the send would not end at all. The
            // margin is wide because the whole suite runs in parallel on two cores: a release run here once took
            // 3.6 s to come back from a 1.5 s timer.
            #expect(elapsed >= .seconds(5) && elapsed < .seconds(15), "\(elapsed)")
            // The request did arrive; the sender then hung up rather than leave the connection open.
            #expect(try await receiver.requests(count: 1).count == 1)
            #expect(try await receiver.wait(for: "closed-by-client"))
        }
    }

    @Test("a task cancelled mid-send ends promptly, retryable")
    func cancelled() async throws {
        try await Receiver.with(.init(stall: true)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: .seconds(30))
            let started = ContinuousClock.now
            let task = Task { await sender.send(Self.request("http://127.0.0.1:\(receiver.port)\(Self.path)")) }
            _ = try await receiver.requests(count: 1)
            task.cancel()
            let answer = await task.value
            #expect(ContinuousClock.now - started < .seconds(15))
            #expect(answer == .retryable(status: nil, retryAfter: nil, reason: "cancelled before 127.0.0.1 answered"))
            #expect(try await receiver.wait(for: "closed-by-client"))
        }
    }

    @Test("a 2xx with an endless body: accepted at once, and the connection closed")
    func endlessBody() async throws {
        try await Receiver.with(.init(status: 200, endless: true)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            let started = ContinuousClock.now
            let answer = await sender.send(Self.request("http://127.0.0.1:\(receiver.port)\(Self.path)"))
            #expect(answer == .accepted(status: 200))
            #expect(ContinuousClock.now - started < .seconds(15))
            // Past 64 KiB the sender stops reading and closes, so the receiver's writes fail long before the time limit.
            #expect(try await receiver.wait(for: "closed-by-client", upTo: .seconds(15)))
        }
    }

    @Test("strict policy: http, 127.0.0.1 and a name resolving to loopback are blocked without connecting", arguments: [
        ("http", "127.0.0.1", "must use https"),
        ("https", "127.0.0.1", "loopback"),
        ("https", "localhost", "loopback"),
    ])
    func blocked(scheme: String, host: String, words: String) async throws {
        try await Receiver.with(.init(status: 200)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.strict, timeout: Self.generous)
            let answer = await sender.send(Self.request("\(scheme)://\(host):\(receiver.port)\(Self.path)"))
            guard case .blocked(let reason) = answer else {
                Issue.record("expected blocked, got \(answer)")
                return
            }
            #expect(reason.contains(words), "\(reason)")
            Self.expectNoSecrets(answer)
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.events.map(\.event) == ["listening"])
        }
    }

    @Test("a token holding a line break is blocked, not sent as a second header")
    func headerInjection() async throws {
        try await Receiver.with(.init(status: 200)) { receiver in
            let sender = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            let answer = await sender.send(Self.request("http://127.0.0.1:\(receiver.port)/", token: "abc\r\nX-Injected: 1"))
            guard case .blocked = answer else {
                Issue.record("expected blocked, got \(answer)")
                return
            }
            #expect(!String(describing: answer).contains("abc"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.events.map(\.event) == ["listening"])
        }
    }

    @Test("https with a self-signed certificate for localhost: accepted when its CA file is given, retryable when not")
    func privateCA() async throws {
        let folder = try await Self.certificate()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Receiver.with(.init(status: 200, cert: folder + "/cert.pem", key: folder + "/key.pem")) { receiver in
            let url = "https://localhost:\(receiver.port)\(Self.path)"
            let trusting = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous, extraTrustRootsFile: folder + "/cert.pem")
            #expect(await trusting.send(Self.request(url)) == .accepted(status: 200))
            let requests = try await receiver.requests(count: 1)
            #expect(requests.first?.headers["host"] == "localhost:\(receiver.port)")
            #expect(receiver.events.filter { $0.event == "sni" }.map(\.name) == ["localhost"])

            let plain = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous)
            let answer = await plain.send(Self.request(url))
            guard case .retryable(let status, let wait, let reason) = answer else {
                Issue.record("expected retryable, got \(answer)")
                return
            }
            #expect(status == nil && wait == nil)
            #expect(reason.contains("TLS with localhost failed") && reason.contains("not trusted"), "\(reason)")
            try await Task.sleep(for: .milliseconds(200))
            #expect(receiver.events.filter { $0.event == "request" }.count == 1)
        }
    }

    @Test("a CA file that cannot be read, or holds no certificate, is a start-up error naming it")
    func badCAFile() throws {
        let missing = "/nonexistent/service-callback-ca.pem"
        #expect(throws: ServiceCallbackSender.SetupError.self) {
            _ = try ServiceCallbackSender(policy: Self.open, timeout: Self.generous, extraTrustRootsFile: missing)
        }
        do {
            _ = try ServiceCallbackSender.loadTrustRoots(path: missing)
            Issue.record("loaded a file that does not exist")
        } catch {
            #expect(error.description.contains(missing) && error.description.contains("cannot be read"), "\(error)")
        }
        let empty = NSTemporaryDirectory() + "cbgw-ca-\(UUID().uuidString).pem"
        try "not a certificate\n".write(toFile: empty, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        do {
            _ = try ServiceCallbackSender.loadTrustRoots(path: empty)
            Issue.record("loaded a file without certificates")
        } catch {
            #expect(error.description.contains(empty), "\(error)")
        }
    }

    // MARK: - Helpers

    /// A self-signed certificate for `localhost` (and 127.0.0.1) and its key, made by the `openssl` command in a
    /// fresh folder, whose path is returned.
    static func certificate() async throws -> String {
        let folder = NSTemporaryDirectory() + "cbgw-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Through Command, which waits without blocking one of the few cooperative threads.
        let output = try await Command.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem",
        ])
        guard output.status == 0 else {
            throw TestSetupError("openssl could not make a certificate (the openssl package provides it): \(output.standardError)")
        }
        return folder
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

/// The Python receiver: one process per test, told how to answer by a JSON argument, reporting what it sees as JSON
/// lines on standard output (into a file: see ``RunningProcess``).
final class Receiver: Sendable {
    /// How the receiver answers.
    struct Configuration: Encodable {
        var status = 200
        var headers: [String: String] = [:]
        /// Read the request, then never answer.
        var stall = false
        /// Answer with a head and then body bytes until the client hangs up.
        var endless = false
        var cert: String?
        var key: String?
        /// Keep each connection for the next request, as HTTP/1.1 does (answers without `Connection: close`, unless
        /// `headers` has it, and closes only when the client asks); a client's close of an idle connection is
        /// reported as `closed-by-client`.
        var keepAlive = false
        /// What to do with each request, in order of arrival over all connections ("ok", "hangup": close the
        /// connection without answering, "stall", "trickle": a head announcing a 1 MB body, then a byte of it every
        /// 100 ms until the client hangs up); past the end, as the other settings say.
        var script: [String] = []
        /// Close a kept-alive connection idle this many seconds (reported as `closed-by-server`).
        var idleClose: Double?
        /// Hold every answer until this many requests have arrived, so that they are all in flight at once.
        var gate: Int?
        /// The HTTP version of the answers.
        var version = "HTTP/1.1"
        /// Listen on 127.0.0.2 too, on the same port: another address for the same service.
        var secondAddress = false
    }

    /// One thing the receiver saw.
    struct Event: Decodable, Sendable {
        var event: String
        var port: Int?
        var name: String?
        /// For a connection: the receiver's address it was made to.
        var address: String?
        var method: String = ""
        var target: String = ""
        var headers: [String: String] = [:]
        var headerLines: [String] = []
        var body: String = ""

        enum CodingKeys: String, CodingKey {
            case event, port, name, address, method, target, headers, body
            case headerLines = "header_lines"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            event = try container.decode(String.self, forKey: .event)
            port = try container.decodeIfPresent(Int.self, forKey: .port)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            address = try container.decodeIfPresent(String.self, forKey: .address)
            method = try container.decodeIfPresent(String.self, forKey: .method) ?? ""
            target = try container.decodeIfPresent(String.self, forKey: .target) ?? ""
            headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
            headerLines = try container.decodeIfPresent([String].self, forKey: .headerLines) ?? []
            body = try container.decodeIfPresent(String.self, forKey: .body) ?? ""
        }
    }

    let process: RunningProcess
    let script: String
    let port: Int

    /// Runs `body` with a receiver answering as `configuration` says, and stops it afterwards, whatever happens.
    static func with<T>(_ configuration: Configuration, _ body: (Receiver) async throws -> T) async throws -> T {
        let receiver = try await Receiver(configuration)
        do {
            let result = try await body(receiver)
            await receiver.stop()
            return result
        } catch {
            await receiver.stop()
            throw error
        }
    }

    private init(_ configuration: Configuration) async throws {
        script = NSTemporaryDirectory() + "cbgw-receiver-\(UUID().uuidString).py"
        try Self.source.write(toFile: script, atomically: true, encoding: .utf8)
        let argument = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        let python = ProcessInfo.processInfo.environment["CALLBACK_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/bin/python3"
        let process = try Command.start(python, ["-u", script, argument])
        self.process = process
        // Generous, and looked at once more after the deadline: with the whole suite running on two cores a test's
        // task may not run again until long after its sleep, and a receiver that did start must not count as failed.
        let started = ContinuousClock.now
        let found = await poll(upTo: .seconds(30)) {
            Self.events(in: process.standardOutput).first { $0.event == "listening" }?.port
        }
        guard let found else {
            process.signal(SIGKILL)
            let status = await process.exit()
            throw TestSetupError("""
                the Python receiver (\(python)) did not say it was listening within \(ContinuousClock.now - started); \
                it exited with status \(status); standard output: \(process.standardOutput.prefix(2000)); \
                standard error: \(process.standardError.prefix(2000))
                """)
        }
        port = found
    }

    /// Everything seen so far, in order.
    var events: [Event] { Self.events(in: process.standardOutput) }

    /// The requests, once `count` have arrived (waiting up to 15 s).
    func requests(count: Int) async throws -> [Event] {
        let requests = { self.events.filter { $0.event == "request" } }
        return await poll(upTo: .seconds(15)) {
            let current = requests()
            return current.count >= count ? current : nil
        } ?? requests()
    }

    /// How many connections have been made to the receiver.
    var connections: Int { events.filter { $0.event == "connection" }.count }

    /// How many events of this kind have been seen.
    func count(_ event: String) -> Int { events.filter { $0.event == event }.count }

    /// Whether `count` events of this kind are seen within `limit`.
    func wait(for event: String, count: Int, upTo limit: Duration = .seconds(15)) async throws -> Bool {
        await poll(upTo: limit) { self.count(event) >= count ? true : nil } ?? false
    }

    /// Whether an event of this kind is seen within `limit`.
    func wait(for event: String, upTo limit: Duration = .seconds(15)) async throws -> Bool {
        try await wait(for: event, count: 1, upTo: limit)
    }

    func stop() async {
        process.signal(SIGKILL)
        _ = await process.exit()
        try? FileManager.default.removeItem(atPath: script)
    }

    private static func events(in output: String) -> [Event] {
        output.split(separator: "\n").compactMap { try? JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    /// The receiver. A connection is reported as soon as it is accepted, before any TLS handshake.
    static let source = #"""
    import json, socket, ssl, sys, threading, time

    config = json.loads(sys.argv[1])
    lock = threading.Lock()

    def emit(**event):
        with lock:
            sys.stdout.write(json.dumps(event) + "\n")
            sys.stdout.flush()

    context = None
    if config.get("cert"):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(config["cert"], config["key"])
        context.sni_callback = lambda sock, name, ctx: emit(event="sni", name=name)

    def drain(conn):
        try:
            while conn.recv(65536):
                pass
        except OSError:
            pass
        emit(event="closed-by-client")

    requests_seen = [0]
    arrived = threading.Condition(lock)

    def action():
        """What to do with the request just read, and counts it (for the script and the gate)."""
        with lock:
            index = requests_seen[0]
            requests_seen[0] += 1
            arrived.notify_all()
        script = config.get("script") or []
        if index < len(script):
            return script[index]
        return "stall" if config.get("stall") else "ok"

    def wait_for_gate():
        gate = config.get("gate")
        if gate:
            with arrived:
                arrived.wait_for(lambda: requests_seen[0] >= gate, timeout=20)

    def serve(conn):
        emit(event="connection", address=conn.getsockname()[0])
        keep = config.get("keepAlive")
        conn.settimeout(60)
        try:
            if context:
                try:
                    conn = context.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError) as error:
                    emit(event="tls-failed", error=str(error))
                    return
            data = b""
            while True:
                while b"\r\n\r\n" not in data:
                    idle = keep and not data and config.get("idleClose")
                    conn.settimeout(idle or 60)
                    try:
                        chunk = conn.recv(65536)
                    except socket.timeout:
                        if idle:
                            emit(event="closed-by-server")
                            return
                        raise
                    except ConnectionResetError:
                        chunk = b""
                    if not chunk:
                        if keep and not data:
                            emit(event="closed-by-client")
                        return
                    data += chunk
                conn.settimeout(60)
                head, _, data = data.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                while len(data) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                body, data = data[:length], data[length:]
                emit(event="request", method=method, target=target, headers=headers, header_lines=lines[1:],
                     body=body.decode("utf-8", "replace"))
                todo = action()
                if todo == "stall":
                    drain(conn)
                    return
                if todo == "hangup":
                    emit(event="hung-up")
                    return
                wait_for_gate()
                extra = "".join("%s: %s\r\n" % item for item in config.get("headers", {}).items())
                status = config.get("status", 200)
                version = config.get("version", "HTTP/1.1")
                if config.get("endless"):
                    conn.sendall(("%s %d Answer\r\n%sConnection: close\r\n\r\n" % (version, status, extra)).encode())
                    try:
                        while True:
                            conn.sendall(b"x" * 16384)
                    except OSError:
                        emit(event="closed-by-client")
                    return
                if todo == "trickle":
                    conn.sendall(("%s %d Answer\r\n%sContent-Length: 1000000\r\n\r\n" % (version, status, extra)).encode())
                    try:
                        while True:
                            time.sleep(0.1)
                            conn.sendall(b"x")
                    except OSError:
                        emit(event="closed-by-client")
                    return
                answer = b"answer"
                close = "" if keep else "Connection: close\r\n"
                conn.sendall(("%s %d Answer\r\n%sContent-Length: %d\r\n%s\r\n"
                              % (version, status, extra, len(answer), close)).encode() + answer)
                if not keep or headers.get("connection", "").lower() == "close":
                    return
        except Exception as error:
            emit(event="error", error=repr(error))
        finally:
            conn.close()

    def accept(listener):
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    if config.get("secondAddress"):
        second = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        second.bind(("127.0.0.2", port))
        second.listen(16)
        threading.Thread(target=accept, args=(second,), daemon=True).start()
    emit(event="listening", port=port)
    accept(listener)
    """#
}
