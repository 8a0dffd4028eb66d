@testable import CallbackCore
import Foundation
import Testing

/// Vonage's signature check against the vectors of Vonage's own SDK tests (vonage 3.18.0 and 4.x) and a signed
/// delivery receipt made with them, and its adapter.
@Suite("Vonage")
struct VonageTests {
    static func form(_ parameters: [(String, String)]) -> CallbackPayload {
        let body = parameters.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)
        }.joined(separator: "&")
        return CallbackPayload(body: body, contentType: "application/x-www-form-urlencoded")
    }

    static let sdkParameters = [("a", "1"), ("b", "2"), ("timestamp", "1461605396")]

    @Test("the SDK's vectors: every method, compared without regard to case", arguments: [
        (VonageSignature.Method.md5hash, "6af838ef94998832dbfc29020b564830"),
        (.md5, "c15c21ced558c93a226c305f58f902f2"),
        (.sha1, "3e19a4e6880fdc2c1426bfd0587c98b9532f0210"),
        (.sha256, "a321e824b9b816be7c3f28859a31749a098713d39f613c80d455bbaffae1cd24"),
        (.sha512, "812a18f76680fa0fe1b8bd9ee1625466ceb1bd96242e4d050d2cfd9a7b40166c63ed26ec9702168781b6edcf1633db8ff95af9341701004eec3fcf9550572ee8"),
    ])
    func sdkVectors(method: VonageSignature.Method, sig: String) {
        let now = Date(timeIntervalSince1970: 1_461_605_396)
        let check = VonageSignature(secrets: ["an-old-secret", "secret"], method: method)
        #expect(check.authenticate(Self.form(Self.sdkParameters + [("sig", sig)]), now: now) == .authentic())
        #expect(check.authenticate(Self.form(Self.sdkParameters + [("sig", sig.uppercased())]), now: now) == .authentic())
        #expect(check.authenticate(Self.form([("a", "1"), ("b", "3"), ("timestamp", "1461605396"), ("sig", sig)]), now: now) != .authentic())
        #expect(check.authenticate(Self.form(Self.sdkParameters + [("sig", sig)]), now: now.addingTimeInterval(86_401)) != .authentic(), "a day and a second old")
    }

    @Test("a whole signed delivery receipt, `&` and `=` in a value, as a form and as JSON")
    func deliveryReceipt() {
        let parameters = [
            ("msisdn", "447700900000"), ("to", "AcmeInc"), ("network-code", "23410"), ("messageId", "0A0000000123ABCD1"),
            ("price", "0.03330000"), ("status", "delivered"), ("scts", "2001011400"), ("err-code", "0"), ("api-key", "abcd1234"),
            ("client-ref", "gw=42&x"), ("message-timestamp", "2020-01-01 14:00:00"), ("timestamp", "1577887200"),
            ("nonce", "ec11dd3e-1e7f-4db5-9467-82b02cd223b9"),
        ]
        let now = Date(timeIntervalSince1970: 1_577_887_200)
        #expect(VonageSignature.signedText(Dictionary(uniqueKeysWithValues: parameters)).hasPrefix("&api-key=abcd1234&client-ref=gw_42_x&err-code=0&message-timestamp="))
        for (method, sig) in [(VonageSignature.Method.sha256, "47bc1a6bde7e598f57481fa44bbc08d1a45f4bce67b7bbee37ffd302979a501f"), (.md5hash, "74a66aff01551965a15ab3059f77f9df")] {
            let check = VonageSignature(secrets: ["my_signature_secret"], method: method)
            #expect(check.authenticate(Self.form(parameters + [("sig", sig)]), now: now) == .authentic(), "\(method)")
            let json = "{" + (parameters + [("sig", sig)]).map { "\"\($0.0)\":\"\($0.1)\"" }.joined(separator: ",") + "}"
            #expect(check.authenticate(CallbackPayload(body: json, contentType: "application/json"), now: now) == .authentic(), "\(method) JSON")
        }
        #expect(VonageSignature(secrets: ["my_signature_secret"], method: .sha256).authenticate(Self.form(parameters), now: now) != .authentic(), "unsigned")
    }

    @Test("the fixture signer reads a body as the check does: JSON after a leading blank line is signed as JSON")
    func signerReadsLikeTheCheck() throws {
        let secrets = ["VONAGE_SIGNATURE_SECRETS": "my_signature_secret", "VONAGE_SIGNATURE_METHOD": "sha256"]
        let body = "\n {\"messageId\":\"0A0000000123ABCD1\",\"status\":\"delivered\",\"timestamp\":\"1577887200\",\"sig\":\"x\"}"
        let signed = try VonageFixtureSigner().sign(SignableRequest(headers: [], body: body), secrets: secrets)
        #expect(signed.body.hasPrefix("\n {"), "still JSON, signed in place")
        let check = try #require(try VonageSignature.make(secrets))
        let now = Date(timeIntervalSince1970: 1_577_887_200)
        #expect(check.authenticate(CallbackPayload(body: signed.body, contentType: "application/json"), now: now) == .authentic())
        #expect(check.authenticate(CallbackPayload(body: VonageFixtureSigner().spoil(signed).body, contentType: nil), now: now) != .authentic())
    }

    @Test("settings: an unknown method is refused; the default is md5hash")
    func settings() throws {
        #expect(throws: ProviderSettingError.self) { try VonageSignature.make(["VONAGE_SIGNATURE_SECRETS": "s", "VONAGE_SIGNATURE_METHOD": "rot13"]) }
        #expect(try VonageSignature.make(["VONAGE_SIGNATURE_METHOD": "sha256"]) == nil)
        #expect(try VonageSignature.make(["VONAGE_SIGNATURE_SECRETS": "s"]) != nil)
    }

    @Test("the adapter: our id in client-ref, else messageId; err-code is the detail; message-timestamp is UTC")
    func adapter() throws {
        let id = "1f000000-0000-4000-8000-000000000901"
        guard case .receipt(let receipt) = try VonageAdapter().parse(Self.form([
            ("messageId", "0A0000000123ABCD1"), ("status", "failed"), ("err-code", "3"), ("client-ref", id),
            ("message-timestamp", "2026-11-29 10:15:00"), ("msisdn", "447700900901"),
        ])) else { Issue.record("a receipt"); return }
        #expect(receipt.lookup == .id(UUID(uuidString: id)!))
        #expect(receipt.providerReference == "0A0000000123ABCD1")
        #expect(receipt.rawStatus == "failed")
        #expect(receipt.detailCode == "3")
        #expect(receipt.providerTimestamp == Date(timeIntervalSince1970: 1_795_947_300))
        guard case .receipt(let byReference) = try VonageAdapter().parse(CallbackPayload(
            body: #"{"messageId":"0A0000000123ABCD2","status":"delivered","err-code":"0","scts":"2611291015"}"#, contentType: "application/json"
        )) else { Issue.record("a receipt"); return }
        #expect(byReference.lookup == .reference("0A0000000123ABCD2"))
        #expect(byReference.providerTimestamp == Date(timeIntervalSince1970: 1_795_947_300))
        // The bytes decide between form and JSON, never the content type: one body, one answer (found by fuzzing).
        for type in ["application/json", "application/x-www-form-urlencoded", nil] {
            let empty = #expect(throws: InvalidCallback.self) { try VonageAdapter().parse(CallbackPayload(body: "", contentType: type)) }
            #expect(empty?.problems.first == "Vonage callback failed: status missing", "\(String(describing: type))")
            let json = try VonageAdapter().parse(CallbackPayload(body: #" {"messageId":"0A2","status":"delivered"}"#, contentType: type))
            guard case .receipt(let receipt) = json else { Issue.record("a receipt"); continue }
            #expect(receipt.lookup == .reference("0A2"))
        }
        let problems = #expect(throws: InvalidCallback.self) { try VonageAdapter().parse(Self.form([("client-ref", "not-a-uuid")])) }
        #expect(problems?.problems == ["Vonage callback failed: status missing", "Vonage callback failed: client-ref is not a notification id (UUID)"])
    }
}
