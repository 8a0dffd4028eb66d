import CallbackCore
import CallbackServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Dashboard routes")
struct DashboardTests {
    static let token = "test-admin-token-0123456789abcdef"

    /// The session cookie `Set-Cookie` carries, as `name=value`.
    static func cookiePair(_ setCookie: String?) -> String? {
        setCookie?.split(separator: ";").first.map(String.init)
    }

    static func signIn(_ client: some TestClientProtocol, token: String = Self.token) async throws -> (HTTPResponse.Status, HTTPFields, String) {
        try await client.execute(
            uri: "/dashboard/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        ) { ($0.status, $0.headers, String(buffer: $0.body)) }
    }

    /// A session value signed as the gateway signs one, with another token's key.
    static func session(adminToken: String, expiry: Int) -> String {
        let key = Digest.hmac(.sha256, key: Array(adminToken.utf8), message: Array("callback-gateway dashboard session".utf8))
        let payload = "v1.\(expiry)"
        return payload + "." + Digest.hex(Digest.hmac(.sha256, key: key, message: Array(payload.utf8)))
    }

    @Test("without ADMIN_TOKEN the dashboard does not exist")
    func off() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let statuses = try await harness.test { client in
                let page = try await client.execute(uri: "/dashboard", method: .get) { $0.status }
                let form = try await client.execute(uri: "/dashboard/sign-in", method: .get) { $0.status }
                let signIn = try await Self.signIn(client)
                return [page, form, signIn.0]
            }
            #expect(statuses == [.notFound, .notFound, .notFound])
        }
    }

    @Test("the admin token signs in with a signed, HttpOnly, SameSite=Strict, Secure cookie that opens the pages")
    func signIn() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.token))
            let (unsigned, signedIn, page, signOut) = try await harness.test { client in
                let unsigned = try await client.execute(uri: "/dashboard", method: .get) { ($0.status, $0.headers[.location]) }
                let signedIn = try await Self.signIn(client)
                let cookie = Self.cookiePair(signedIn.1[.setCookie]) ?? ""
                let page = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]) {
                    ($0.status, $0.headers, String(buffer: $0.body))
                }
                let signOut = try await client.execute(uri: "/dashboard/sign-out", method: .post, headers: [.cookie: cookie]) {
                    ($0.status, $0.headers[.setCookie])
                }
                return (unsigned, signedIn, page, signOut)
            }
            #expect(unsigned.0 == .seeOther)
            #expect(unsigned.1 == "/dashboard/sign-in")
            #expect(signedIn.0 == .seeOther)
            let setCookie = try #require(signedIn.1[.setCookie])
            for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/dashboard", "Max-Age=43200"] {
                #expect(setCookie.contains(attribute), "\(setCookie)")
            }
            #expect(!setCookie.contains(Self.token))
            #expect(page.0 == .ok)
            #expect(page.1[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(page.2.contains(#"<table id="stats">"#))
            #expect(!page.2.contains("http://") && !page.2.contains("https://"), "nothing is loaded from elsewhere")
            #expect(signOut.0 == .seeOther)
            #expect(signOut.1?.contains("Max-Age=0") == true)
        }
    }

    @Test("a forged, altered, expired or other token's cookie is refused")
    func forgedCookies() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.token))
            let clock = TestClock(Date())
            let statuses = try await harness.test(clock: clock) { client in
                let signedIn = try await Self.signIn(client)
                let cookie = try #require(Self.cookiePair(signedIn.1[.setCookie]))
                let parts = cookie.split(separator: ".").map(String.init)
                let laterExpiry = parts[0] + "." + String((Int(parts[1]) ?? 0) + 3600) + "." + parts[2]
                let otherKey = "cbgw_dashboard=" + Self.session(adminToken: "another-admin-token-0123456789", expiry: Int(parts[1]) ?? 0)
                var statuses: [HTTPResponse.Status] = []
                for candidate in [cookie, laterExpiry, otherKey, "cbgw_dashboard=v1.99999999999.00", "cbgw_dashboard="] {
                    statuses.append(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: candidate]) { $0.status })
                }
                clock.advance(by: 12 * 3600 + 1)
                statuses.append(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]) { $0.status })
                return statuses
            }
            #expect(statuses == [.ok, .seeOther, .seeOther, .seeOther, .seeOther, .seeOther])
        }
    }

    @Test("wrong tokens show the form again; the eleventh within a minute is 429 with Retry-After, even with the right token")
    func throttle() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.token))
            let clock = TestClock(Date())
            let (wrong, blocked, later) = try await harness.test(clock: clock) { client in
                var wrong: [(HTTPResponse.Status, String)] = []
                for attempt in 0..<10 { let answer = try await Self.signIn(client, token: "wrong-\(attempt)"); wrong.append((answer.0, answer.2)) }
                let blocked = try await Self.signIn(client)
                clock.advance(by: 61)
                let later = try await Self.signIn(client)
                return (wrong, blocked, later)
            }
            for answer in wrong {
                #expect(answer.0 == .unauthorized)
                #expect(answer.1.contains("not the admin token"))
            }
            #expect(blocked.0 == .tooManyRequests)
            #expect(blocked.1[.retryAfter].flatMap { Int($0) }.map { (1...60).contains($0) } == true)
            #expect(later.0 == .seeOther)
        }
    }

    @Test("an unmapped status is printed escaped, with its re-drive command; a bad limit_days is a 400 page")
    func escapingAndBadInput() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.token))
            let id = try await database.insertNotification(status: .sending)
            let (unmapped, badLimit, fragment) = try await harness.test { client in
                _ = try await client.mmg(Bodies.mmg(cid: id.uuidString, status: "<script>x</script>", numeric: false))
                let cookie = Self.cookiePair(try await Self.signIn(client).1[.setCookie]) ?? ""
                let unmapped = try await client.execute(uri: "/dashboard/unmapped", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
                let badLimit = try await client.execute(uri: "/dashboard?limit_days=32", method: .get, headers: [.cookie: cookie]) {
                    ($0.status, String(buffer: $0.body))
                }
                let fragment = try await client.execute(uri: "/dashboard/unmapped?fragment=1", method: .get) { $0.status }
                return (unmapped, badLimit, fragment)
            }
            #expect(unmapped.contains("&lt;script&gt;x&lt;/script&gt;"))
            #expect(!unmapped.contains("<script>x"))
            #expect(unmapped.contains("callback-gateway replay --from-db unmapped --provider mmg"))
            #expect(badLimit.0 == .badRequest)
            #expect(badLimit.1.contains("limit_days must be a whole number from 0 to 31"))
            #expect(fragment == .unauthorized, "a refresh without a session is refused, not redirected")
        }
    }

    @Test("look-up by id and by provider reference shows the status and the trail without raw bodies; unknown is 404, too long 400")
    func lookup() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database, configuration: GatewayConfiguration(adminToken: Self.token))
            let id = try await database.insertNotification(status: .sending, reference: "ref-<b>-42")
            let (byID, byReference, unknown, tooLong) = try await harness.test { client in
                _ = try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0"))
                let cookie = Self.cookiePair(try await Self.signIn(client).1[.setCookie]) ?? ""
                func get(_ uri: String) async throws -> (HTTPResponse.Status, String) {
                    try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) { ($0.status, String(buffer: $0.body)) }
                }
                let byID = try await get("/dashboard/lookup?q=\(id.uuidString)")
                let byReference = try await get("/dashboard/lookup?q=ref-%3Cb%3E-42")
                let unknown = try await get("/dashboard/lookup?q=\(UUID().uuidString)")
                let tooLong = try await get("/dashboard/lookup?q=" + String(repeating: "x", count: 201))
                return (byID, byReference, unknown, tooLong)
            }
            for (status, page) in [byID, byReference] {
                #expect(status == .ok)
                #expect(page.contains(#"<td class="text" id="notification-status">delivered</td>"#))
                #expect(page.contains(#"<table id="trail">"#))
                #expect(page.contains("callback:firetext"))
                #expect(!page.contains("447700900123"), "raw bodies hold phone numbers")
                #expect(page.contains("ref-&lt;b&gt;-42") && !page.contains("ref-<b>"))
            }
            #expect(unknown.0 == .notFound)
            #expect(unknown.1.contains("No notification has the id or provider reference"))
            #expect(tooLong.0 == .badRequest)
        }
    }
}
