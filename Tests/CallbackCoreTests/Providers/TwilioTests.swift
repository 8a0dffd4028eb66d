@testable import CallbackCore
import Foundation
import Testing

/// Twilio's signature check against the vectors of Twilio's own documentation and `RequestValidator` tests (twilio
/// 9.13.0), and its adapter.
@Suite("Twilio")
struct TwilioTests {
    static let docsURL = "https://mycompany.com/myapp.php?foo=1&bar=2"
    static let docsBody = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212"

    static func payload(_ body: String, signature: String?) -> CallbackPayload {
        CallbackPayload(body: body, contentType: "application/x-www-form-urlencoded", headers: signature.map { ["x-twilio-signature": $0] } ?? [:])
    }

    @Test("Twilio's documented example: token 12345 over the URL and the sorted parameters")
    func documentedExample() {
        let check = TwilioSignature(tokens: ["12345"], url: Self.docsURL)
        #expect(check.authenticate(Self.payload(Self.docsBody, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8="), now: Date()) == .authentic())
        #expect(TwilioSignature.signedParameters(Self.docsBody) == "CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212")
    }

    @Test("as Twilio's validator: a port in the URL is also tried without it, a URL without one with its default port", arguments: [
        ("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        ("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
        ("https://mycompany.com/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w="),
        ("http://mycompany.com/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4="),
    ])
    func ports(url: String, signature: String) {
        let check = TwilioSignature(tokens: ["12345"], url: url)
        #expect(check.authenticate(Self.payload(Self.docsBody, signature: signature), now: Date()) == .authentic())
    }

    @Test("a repeated parameter is signed with each of its distinct values, sorted")
    func repeatedParameters() {
        let check = TwilioSignature(tokens: ["12345"], url: Self.docsURL)
        let body = "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234"
        #expect(check.authenticate(Self.payload(body, signature: "IK+Dwps556ElfBT0I3Rgjkr1wJU="), now: Date()) == .authentic())
    }

    @Test("a status callback signed by twilio 9.13.0, with rotation: the second configured token matches")
    func statusCallback() {
        let body = "ApiVersion=2010-04-01&AccountSid=AC00000000000000000000000000000001&SmsSid=SM00000000000000000000000000000001&SmsStatus=undelivered&MessageSid=SM00000000000000000000000000000001&MessageStatus=undelivered&ErrorCode=30003&From=%2B15005550006&To=%2B15558675310&RawDlrDoneDate=2401311205"
        let check = TwilioSignature(tokens: ["an-older-token", "test_auth_token_0123456789abcdef"], url: "https://gateway.example.com/webhooks/twilio/status")
        #expect(check.authenticate(Self.payload(body, signature: "aAYIZmXMKmBuAHlh7ypSU0LB6T4="), now: Date()) == .authentic())
    }

    @Test("refused: another URL, another token, a changed parameter, no header, a header that is not base64, the signature spelt otherwise")
    func refusals() {
        let check = TwilioSignature(tokens: ["12345"], url: Self.docsURL)
        let good = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        #expect(TwilioSignature(tokens: ["12345"], url: "https://other.example.com/myapp.php?foo=1&bar=2")
            .authenticate(Self.payload(Self.docsBody, signature: good), now: Date()) != .authentic())
        #expect(TwilioSignature(tokens: ["54321"], url: Self.docsURL).authenticate(Self.payload(Self.docsBody, signature: good), now: Date()) != .authentic())
        #expect(check.authenticate(Self.payload(Self.docsBody.replacingOccurrences(of: "1234&", with: "1235&"), signature: good), now: Date()) != .authentic())
        #expect(check.authenticate(Self.payload(Self.docsBody, signature: nil), now: Date()) != .authentic())
        #expect(check.authenticate(Self.payload(Self.docsBody, signature: "not base64!"), now: Date()) != .authentic())
        // The same 20 bytes in base64 whose last character's unused bits are set (a fuzz finding): Twilio's own
        // validators compare the text, and so does the check.
        let sameBytes = String(good.dropLast(2)) + "9="
        #expect(Data(base64Encoded: sameBytes) == Data(base64Encoded: good))
        #expect(check.authenticate(Self.payload(Self.docsBody, signature: sameBytes), now: Date()) != .authentic())
        #expect(check.authenticate(Self.payload(Self.docsBody, signature: " \(good) "), now: Date()) == .authentic(), "surrounding blanks are trimmed")
    }

    @Test("the adapter reads MessageSid as the reference, MessageStatus and ErrorCode, and the carrier's time")
    func adapter() throws {
        let body = "MessageSid=SM1f000000000040008000000000000701&MessageStatus=undelivered&ErrorCode=30003&RawDlrDoneDate=2611291015&To=%2B447700900701"
        guard case .receipt(let receipt) = try TwilioAdapter().parse(Self.payload(body, signature: nil)) else {
            Issue.record("a receipt")
            return
        }
        #expect(receipt.lookup == .reference("SM1f000000000040008000000000000701"))
        #expect(receipt.rawStatus == "undelivered")
        #expect(receipt.detailCode == "30003")
        #expect(receipt.providerTimestamp == Date(timeIntervalSince1970: 1_795_947_300))
        let missing = #expect(throws: InvalidCallback.self) { try TwilioAdapter().parse(Self.payload("ErrorCode=1", signature: nil)) }
        #expect(missing?.problems == ["Twilio callback failed: MessageSid missing", "Twilio callback failed: MessageStatus missing"])
    }

    @Test("settings: tokens need the public URL; the URL must be http(s)")
    func settings() throws {
        #expect(try TwilioSignature.make([:]) == nil)
        #expect(throws: ProviderSettingError.self) { try TwilioSignature.make(["TWILIO_AUTH_TOKENS": "a"]) }
        #expect(throws: ProviderSettingError.self) { try TwilioSignature.make(["TWILIO_AUTH_TOKENS": "a", "TWILIO_CALLBACK_URL": "ftp://x/y"]) }
        #expect(throws: ProviderSettingError.self) { try TwilioSignature.make(["TWILIO_AUTH_TOKENS": "a,,b", "TWILIO_CALLBACK_URL": "https://x/y"]) }
        #expect(try TwilioSignature.make(["TWILIO_AUTH_TOKENS": "a, b", "TWILIO_CALLBACK_URL": "https://x/y"]) != nil)
    }
}
