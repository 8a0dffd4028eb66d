import CallbackCore
import Foundation
import Testing

/// Mailgun's signature check against vectors made with the code of Mailgun's documentation (`verify()`), and its
/// adapter.
@Suite("Mailgun")
struct MailgunTests {
    static func body(timestamp: String, token: String, signature: String, event: String = #"{"event":"delivered","message":{"headers":{"message-id":"20261129101500.1.ABC@mg.example.com"}}}"#) -> CallbackPayload {
        CallbackPayload(body: #"{"signature":{"timestamp":"\#(timestamp)","token":"\#(token)","signature":"\#(signature)"},"event-data":\#(event)}"#, contentType: "application/json")
    }

    @Test("the documented algorithm: hex HMAC-SHA256 of timestamp and token; the token comes back to be claimed once", arguments: [
        ("TEST_WEBHOOK_SIGNING_KEY", "1700000000", "0123456789abcdef0123456789abcdef0123456789abcdef01", "0df17507b06c80fdeaedbd28a4bfd281de37d5aa63c79b6b57bd2b41bfac2354"),
        ("TEST_WEBHOOK_SIGNING_KEY", "1234567890", "1234567890abcdef1234567890abcdef", "3b754b7c269e4c08fb3f5f36b2b5f98e45245965522dc16ca4c9faa0b11b557d"),
        ("key-3ax6xnjp29jd6fds4gc373sgvjxteol0", "1529006854", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0", "b63c0701c4f4b614f272106a1b367c5c3369bcdca664ae73ebd52787e45eef07"),
    ])
    func vectors(key: String, timestamp: String, token: String, signature: String) {
        let now = Date(timeIntervalSince1970: Double(timestamp)! + 60)
        #expect(MailgunSignature(keys: ["other", key]).authenticate(Self.body(timestamp: timestamp, token: token, signature: signature), now: now)
            == .authentic(oneTimeToken: token))
        #expect(MailgunSignature(keys: [key]).authenticate(Self.body(timestamp: timestamp, token: token, signature: signature.uppercased()), now: now)
            == .authentic(oneTimeToken: token))
    }

    @Test("refused: another key, a timestamp over a day old, a changed token, no signature object")
    func refusals() {
        let key = "TEST_WEBHOOK_SIGNING_KEY", token = "0123456789abcdef0123456789abcdef0123456789abcdef01"
        let signature = "0df17507b06c80fdeaedbd28a4bfd281de37d5aa63c79b6b57bd2b41bfac2354"
        let fresh = Date(timeIntervalSince1970: 1_700_000_000)
        let good = Self.body(timestamp: "1700000000", token: token, signature: signature)
        #expect(MailgunSignature(keys: [key]).authenticate(good, now: fresh) == .authentic(oneTimeToken: token))
        #expect(MailgunSignature(keys: ["another"]).authenticate(good, now: fresh) != .authentic(oneTimeToken: token))
        #expect(MailgunSignature(keys: [key]).authenticate(good, now: fresh.addingTimeInterval(86_401)) != .authentic(oneTimeToken: token))
        #expect(MailgunSignature(keys: [key]).authenticate(good, now: fresh.addingTimeInterval(-86_400 * 30)) == .authentic(oneTimeToken: token), "a future timestamp is accepted")
        #expect(MailgunSignature(keys: [key]).authenticate(Self.body(timestamp: "1700000000", token: token + "x", signature: signature), now: fresh) != .authentic(oneTimeToken: token + "x"))
        #expect(MailgunSignature(keys: [key]).authenticate(CallbackPayload(body: "{}", contentType: "application/json"), now: fresh) != .authentic())
    }

    @Test("the adapter: our id from user-variables, else the message id without brackets; failed's severity is the detail")
    func adapter() throws {
        let id = "1f000000-0000-4000-8000-000000000601"
        let byID = Self.body(timestamp: "1", token: "t", signature: "s", event: #"{"event":"failed","severity":"permanent","user-variables":{"notification_id":"\#(id)"},"message":{"headers":{"message-id":"<x@mg.example.com>"}},"delivery-status":{"code":605},"timestamp":1795947300.5,"id":"e1"}"#)
        guard case .receipt(let receipt) = try MailgunAdapter().parse(byID) else { Issue.record("a receipt"); return }
        #expect(receipt.lookup == .id(UUID(uuidString: id)!))
        #expect(receipt.providerReference == "x@mg.example.com")
        #expect(receipt.rawStatus == "failed")
        #expect(receipt.detailCode == "permanent")
        #expect(receipt.reason == "605")
        #expect(receipt.providerTimestamp == Date(timeIntervalSince1970: 1_795_947_300.5))
        guard case .receipt(let byReference) = try MailgunAdapter().parse(Self.body(timestamp: "1", token: "t", signature: "s")) else { Issue.record("a receipt"); return }
        #expect(byReference.lookup == .reference("20261129101500.1.ABC@mg.example.com"))
        let huge = Self.body(timestamp: "1", token: "t", signature: "s", event: #"{"event":"delivered","user-variables":{"notification_id":"\#(id)"},"timestamp":99999999999999999999999999999999}"#)
        guard case .receipt(let undated) = try MailgunAdapter().parse(huge) else { Issue.record("a receipt"); return }
        #expect(undated.providerTimestamp == nil, "a timestamp PostgreSQL cannot store is dropped, not passed on")
        let missing = #expect(throws: InvalidCallback.self) { try MailgunAdapter().parse(CallbackPayload(body: #"{"event-data":{}}"#, contentType: "application/json")) }
        #expect(missing?.problems.contains("Mailgun callback failed: event-data.event missing") == true)
    }
}
