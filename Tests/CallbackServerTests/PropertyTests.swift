import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Property tests: every fixture in `fixtures/`, mutated many times with a seeded generator (bytes flipped, cut,
/// duplicated, NULs, invalid UTF-8, huge numbers, deep nesting, other content types, headers dropped or garbled),
/// posted through the real router onto a real database. Whatever arrives, the answer is one of the contract's and
/// never a 500; a 200 always carries the success envelope with a known outcome, and every receipt answered 200 is
/// stored exactly once.
///
/// Deterministic: each fixture's mutations come from `seed` mixed with the fixture's path, and every failure names
/// the seed, the fixture, the mutation's index and what was done, so it can be replayed.
@Suite("Mutated fixtures through the routes")
struct PropertyTests {
    /// The base seed. Change it to explore other mutations; a failure message gives the one to keep.
    static let seed: UInt64 = 0x5EED_CA11_BAC4_0001
    /// Mutated requests per fixture.
    static let mutationsPerFixture = 60
    /// The statuses of the HTTP contract (README "HTTP contract" and issue 5).
    static let contractStatuses: Set<Int> = [200, 400, 401, 403, 413, 415, 502, 503]

    /// Every provider's fixture folder, and `malformed`. SendGrid's batches are left to the libFuzzer targets and
    /// FixtureTests: one request stores several rows, which the row count below does not follow.
    static let folders = ProviderRegistry.units.map(\.provider.rawValue).filter { $0 != "sendgrid" } + ["malformed"]

    @Test("mutated fixtures get an answer of the contract, never a 500", arguments: folders)
    func mutatedFixtures(folder: String) async throws {
        let items = try FixtureSet.receipts().filter { $0.path.hasPrefix("fixtures/\(folder)/") }
        try #require(!items.isEmpty, "no fixtures in fixtures/\(folder)")
        let notifications = try FixtureSet.notifications()
        let (exchanges, storedRows) = try await TestDatabase.with { database in
            // Seeded notifications, so that mutants which still name one take the applied/duplicate paths too.
            try await FixtureSeeder(workers: database.workers).seed(notifications, receipts: items.map(\.fixture))
            let exchanges = try await Self.post(mutantsOf: items, to: database)
            let storedRows = try await database.count("callback_receipts")
            return (exchanges, storedRows)
        }
        #expect(exchanges.count == items.count * Self.mutationsPerFixture)

        var failures: [String] = []
        var storedBodies: Set<StoredKey> = []
        var tally: [Int: Int] = [:]
        for exchange in exchanges {
            tally[exchange.status, default: 0] += 1
            if let problem = Self.problem(with: exchange) {
                failures.append("\(exchange.describe()): \(problem)")
            } else if exchange.status == 200, let outcome = exchange.envelope?.outcome, ReceiptOutcome(rawValue: outcome) != nil {
                storedBodies.insert(StoredKey(route: exchange.request.route, body: exchange.request.body))
            }
        }
        for failure in failures.prefix(15) {
            Issue.record(Comment(rawValue: failure))
        }
        #expect(failures.isEmpty, "\(failures.count) of \(exchanges.count) mutated requests broke the contract (seed \(Self.seed)); the first are recorded above")

        // Every receipt answered 200 is stored, once per provider and body (a body sent again is a duplicate).
        #expect(storedRows == storedBodies.count,
                "receipt rows vs distinct bodies answered 200 with a receipt outcome (seed \(Self.seed), statuses \(tally.sorted { $0.key < $1.key }))")
        // On a healthy database nothing is answered 503: a 503 tells the provider to send the receipt again, so an
        // input that always gets one would be retried forever.
        let unavailable = exchanges.filter { $0.status == 503 }
        #expect(unavailable.isEmpty, "503 answers on a healthy database (seed \(Self.seed)): \(unavailable.prefix(5).map { $0.describe() })")
    }

    /// Posts `mutationsPerFixture` mutants of each fixture through the router, in order.
    static func post(mutantsOf items: [FixtureSet.Item], to database: TestDatabase) async throws -> [Exchange] {
        let harness = try Harness(database: database)
        return try await harness.test { client in
            try await Self.post(mutantsOf: items, through: client)
        }
    }

    static func post(mutantsOf items: [FixtureSet.Item], through client: some TestClientProtocol) async throws -> [Exchange] {
        var exchanges: [Exchange] = []
        for item in items {
            let seed = Self.seed ^ stableHash(item.path)
            var generator = MutationGenerator(seed: seed)
            for index in 0..<Self.mutationsPerFixture {
                let request = generator.mutate(item.fixture)
                let (status, body) = try await send(request, to: client)
                exchanges.append(Exchange(path: item.path, seed: seed, index: index, request: request, status: status, body: body))
            }
        }
        return exchanges
    }

    @Test("the mutation generator is deterministic and mutates")
    func generatorIsDeterministic() throws {
        let fixture = try #require(FixtureSet.receipts().first).fixture
        var first = MutationGenerator(seed: 42)
        var second = MutationGenerator(seed: 42)
        let a = (0..<200).map { _ in first.mutate(fixture) }
        let b = (0..<200).map { _ in second.mutate(fixture) }
        #expect(a == b)
        #expect(Set(a.map(\.body)).count > 150, "mutants are mostly distinct")
        #expect(a.contains { $0.body.contains(0) } && a.contains { String(validating: $0.body, as: UTF8.self) == nil })
    }

    /// What is wrong with an answer, or `nil` when it keeps the contract.
    static func problem(with exchange: Exchange) -> String? {
        let status = exchange.status
        guard status != 500 else { return "answered 500" }
        guard contractStatuses.contains(status) else { return "answered \(status), not a status of the contract" }
        guard let envelope = exchange.envelope else {
            // 401 (basic auth) and 403 (SNS signature) may answer with an empty body; the others carry the envelope.
            return [401, 403].contains(status) ? nil : "answered \(status) without a {\"result\": ...} JSON body: \(printable(exchange.body))"
        }
        if status == 200 {
            guard envelope.result == "success" else { return "200 with result \(String(describing: envelope.result))" }
            guard let outcome = envelope.outcome else { return "200 without an outcome" }
            let isControl = exchange.request.route == .ses && (outcome.hasPrefix("subscription-") || outcome.hasPrefix("unsubscribe-"))
            guard ReceiptOutcome(rawValue: outcome) != nil || isControl else { return "200 with unknown outcome \(outcome)" }
            if let written = envelope.status, NotificationStatus(rawValue: written) == nil {
                return "200 with unknown status written \(written)"
            }
            if envelope.message != nil { return "200 with an error message" }
        } else {
            guard envelope.result == "error" else { return "\(status) with result \(String(describing: envelope.result))" }
            if [400, 413, 415].contains(status), envelope.message?.isEmpty != false {
                return "\(status) without a message listing the problems"
            }
            if status == 400, let messages = envelope.message {
                let prefix = "\(exchange.request.route.displayName) callback failed: "
                if let stray = messages.first(where: { !$0.hasPrefix(prefix) }) { return "400 message without \(prefix): \(stray)" }
            }
        }
        return nil
    }
}

// MARK: - Requests, answers and mutations

extension PropertyTests {
    /// One mutated request.
    struct MutatedRequest: Sendable, Equatable {
        /// The provider whose route it is posted to.
        var route: Provider
        var body: [UInt8]
        var contentType: String?
        var headers: [(name: String, value: String)]
        /// What was done to the fixture, for failure messages.
        var mutations: [String]

        static func == (lhs: MutatedRequest, rhs: MutatedRequest) -> Bool {
            lhs.route == rhs.route && lhs.body == rhs.body && lhs.contentType == rhs.contentType && lhs.mutations == rhs.mutations
                && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
        }
    }

    /// A request and its answer.
    struct Exchange: Sendable {
        var path: String
        var seed: UInt64
        var index: Int
        var request: MutatedRequest
        var status: Int
        var body: [UInt8]

        var envelope: ResultBody? { try? JSONDecoder().decode(ResultBody.self, from: Data(body)) }

        func describe() -> String {
            "\(path) seed \(seed) mutation #\(index) [\(request.mutations.joined(separator: ", "))] "
                + "POST \(CallbackRoutes.path(for: request.route)) content-type \(request.contentType.map(printable) ?? "none") "
                + "headers \(request.headers.map { "\($0.name): \($0.value)" }) body \(printable(request.body)) -> \(status) \(printable(body))"
        }
    }

    /// The `{"result": ...}` body of every answer.
    struct ResultBody: Decodable, Sendable {
        var result: String?
        var outcome: String?
        var status: String?
        var message: [String]?
    }

    /// A provider and body, the key a stored receipt is deduplicated by.
    struct StoredKey: Hashable {
        var route: Provider
        var body: [UInt8]
    }

    /// Makes mutated requests from a fixture: one to three mutations of the body, the content type, the headers or the
    /// route, drawn from a seeded generator.
    struct MutationGenerator {
        private var random: SeededGenerator

        init(seed: UInt64) { random = SeededGenerator(seed: seed) }

        /// Bytes that are not UTF-8: a lone continuation byte, an overlong NUL, a surrogate, past U+10FFFF, cut short.
        static let invalidUTF8: [[UInt8]] = [[0x80], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFE, 0xFF]]
        static let hugeNumbers = ["1e999", "-1e309", "99999999999999999999999999999999", "9223372036854775808", "-9223372036854775809",
                                  "0.0000000000000000000000000000001", "1E+400", "NaN", "-0", "1.7976931348623157e309"]
        static let escapes = ["\\u0000", "\\ud800", "\\udfff", "\\", "\\\"", "%00", "%", "%Z", "%ff", "&", "=", "+", "\"", "\n", "\r\n", "\u{2028}", "🙂"]
        static let contentTypes: [String?] = [nil, "application/json", "application/x-www-form-urlencoded", "text/plain; charset=UTF-8",
                                              "text/plain", "APPLICATION/JSON; charset=latin1", "multipart/form-data; boundary=x", "text/html",
                                              "", ";", ";application/json", "application/json;;;", " application/x-www-form-urlencoded ",
                                              "application/json; charset=\u{0}", "*/*", "application/ json"]
        static let snsTypes = ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation", "notification", "", "Bogus"]

        mutating func mutate(_ fixture: ReceiptFixture) -> MutatedRequest {
            var request = MutatedRequest(route: fixture.provider, body: Array(fixture.body.utf8), contentType: fixture.contentType,
                                         headers: fixture.headers, mutations: [])
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                apply(&request)
            }
            return request
        }

        private mutating func apply(_ request: inout MutatedRequest) {
            var body = request.body
            let roll = Int.random(in: 0..<100, using: &random)
            switch roll {
            case 0..<14:
                let count = Int.random(in: 1...4, using: &random)
                for _ in 0..<count where !body.isEmpty {
                    let at = position(in: body, end: false)
                    body[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
                }
                request.mutations.append("flip \(count) bit(s)")
            case 14..<24:
                let at = position(in: body, end: true)
                body.removeSubrange(at...)
                request.mutations.append("truncate at \(at)")
            case 24..<32:
                guard !body.isEmpty else { return apply(&request) }
                let start = position(in: body, end: false)
                let end = Int.random(in: start...min(body.count, start + 64), using: &random)
                let at = position(in: body, end: true)
                body.insert(contentsOf: body[start..<end], at: at)
                request.mutations.append("duplicate \(start)..<\(end) at \(at)")
            case 32..<40:
                let bytes = (0..<Int.random(in: 1...16, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                let at = position(in: body, end: true)
                body.insert(contentsOf: bytes, at: at)
                request.mutations.append("insert \(bytes.count) random byte(s) at \(at)")
            case 40..<46:
                let at = position(in: body, end: true)
                body.insert(0, at: at)
                request.mutations.append("insert NUL at \(at)")
            case 46..<52:
                let bytes = Self.invalidUTF8.randomElement(using: &random)!
                let at = position(in: body, end: true)
                body.insert(contentsOf: bytes, at: at)
                request.mutations.append("insert invalid UTF-8 \(bytes) at \(at)")
            case 52..<60:
                let number = Self.hugeNumbers.randomElement(using: &random)!
                body = replaceValue(in: body, with: Array(number.utf8), describe: "number \(number)", into: &request.mutations)
            case 60..<66:
                let depth = Int.random(in: 100...3000, using: &random)
                let open = Bool.random(using: &random) ? "[" : "{\"a\":"
                let close = open == "[" ? "]" : "}"
                let nested = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
                body = replaceValue(in: body, with: Array(nested.utf8), describe: "nesting \(depth) deep", into: &request.mutations)
            case 66..<74:
                let escape = Self.escapes.randomElement(using: &random)!
                let at = position(in: body, end: true)
                body.insert(contentsOf: Array(escape.utf8), at: at)
                request.mutations.append("insert \(escape.debugDescription) at \(at)")
            case 74..<78:
                // A value the store must reject or accept cleanly: a very long one.
                let long = String(repeating: "x", count: Int.random(in: 200...5000, using: &random))
                body = replaceValue(in: body, with: Array("\"\(long)\"".utf8), describe: "string of \(long.count) bytes", into: &request.mutations)
            case 78..<80:
                if Bool.random(using: &random) {
                    body = []
                    request.mutations.append("empty body")
                } else {
                    // Past the default MAX_BODY_BYTES (64 KiB): a 413.
                    let piece = body.isEmpty ? [UInt8(ascii: "x")] : body
                    body = Array(repeating: piece, count: 70_000 / piece.count + 1).flatMap { $0 }
                    request.mutations.append("body repeated to \(body.count) bytes")
                }
            case 80..<88:
                let type = Self.contentTypes.randomElement(using: &random)!
                request.contentType = type
                request.mutations.append("content type \(type.map(\.debugDescription) ?? "none")")
            case 88..<92:
                request.headers = []
                request.mutations.append("drop headers")
            case 92..<97:
                let name = ["x-amz-sns-message-type", "X-Amz-Sns-Message-Type", "authorization", "x-random-\(random.next() % 100)"].randomElement(using: &random)!
                let value = Bool.random(using: &random)
                    ? Self.snsTypes.randomElement(using: &random)!
                    : String(decoding: (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, as: UTF8.self)
                request.headers.removeAll { $0.name.lowercased() == name.lowercased() }
                request.headers.append((name, value))
                request.mutations.append("header \(name): \(value.debugDescription)")
            default:
                let route = Provider.allCases.randomElement(using: &random)!
                request.route = route
                request.mutations.append("post to the \(route.rawValue) route")
            }
            request.body = body
        }

        /// A random index into `body`; `end` allows `body.count` (insert at the end).
        private mutating func position(in body: [UInt8], end: Bool) -> Int {
            let upper = end ? body.count : body.count - 1
            return upper <= 0 ? 0 : Int.random(in: 0...upper, using: &random)
        }

        /// Replaces the value after a random `:` or `=` (a JSON member or form field) with `value`, or inserts it at a
        /// random place when the body has neither.
        private mutating func replaceValue(in body: [UInt8], with value: [UInt8], describe: String, into mutations: inout [String]) -> [UInt8] {
            let separators = body.indices.filter { body[$0] == UInt8(ascii: ":") || body[$0] == UInt8(ascii: "=") }
            guard let separator = separators.randomElement(using: &random) else {
                let at = position(in: body, end: true)
                mutations.append("insert \(describe) at \(at)")
                var copy = body
                copy.insert(contentsOf: value, at: at)
                return copy
            }
            let stops: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "\n")]
            var end = separator + 1
            // Skip the old value: to the next separator of members (a quoted value is skipped whole, escapes and all).
            var inString = false
            while end < body.count {
                let byte = body[end]
                if inString {
                    if byte == UInt8(ascii: "\\") { end += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if stops.contains(byte) {
                    break
                }
                end += 1
            }
            end = min(end, body.count)
            mutations.append("replace the value at \(separator + 1)..<\(end) with \(describe)")
            var copy = body
            copy.replaceSubrange((separator + 1)..<end, with: value)
            return copy
        }
    }
}

/// Posts raw bytes (the `post` helper of the harness takes a String, which cannot hold invalid UTF-8).
private func send(_ request: PropertyTests.MutatedRequest, to client: some TestClientProtocol) async throws -> (Int, [UInt8]) {
    var fields = HTTPFields()
    if let contentType = request.contentType { fields[.contentType] = contentType }
    for header in request.headers {
        guard let name = HTTPField.Name(header.name) else { continue }
        fields.append(HTTPField(name: name, value: header.value))
    }
    return try await client.execute(uri: CallbackRoutes.path(for: request.route), method: .post, headers: fields, body: ByteBuffer(bytes: request.body)) { response in
        (response.status.code, Array(response.body.readableBytesView))
    }
}

/// Bytes for a failure message: at most 300, escaped so NULs and invalid UTF-8 stay visible.
private func printable(_ bytes: [UInt8]) -> String {
    let text = String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription
    return bytes.count > 300 ? "\(text)… (\(bytes.count) bytes)" : text
}

private func printable(_ text: String) -> String { text.debugDescription }

/// FNV-1a over the path, so a fixture's mutations do not change when other fixtures are added.
private func stableHash(_ text: String) -> UInt64 {
    text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
}

