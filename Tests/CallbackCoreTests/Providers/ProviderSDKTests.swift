import CallbackCore
import FixtureSigning
import Foundation
import Testing
import TestSupport

/// The gateway's signature checks against the providers' own SDKs: what an SDK signs, the gateway accepts, and what
/// the gateway's fixture signers sign, the SDK accepts; over requests generated from a seed, so every run checks the
/// same varied cases.
@Suite("Signatures against the providers' SDKs")
struct ProviderSDKTests {
    /// Form values with what forms make hard: spaces, `+`, `&`, `=`, non-ASCII text, empty values.
    static func forms(count: Int) -> [String] {
        var generator = SeededGenerator(seed: 17)
        let values = ["delivered", "a b", "+447700900123", "x&y=z", "café ☕", "", "30003", "SM" + String(repeating: "0", count: 32)]
        let names = ["MessageSid", "MessageStatus", "ErrorCode", "To", "From", "AccountSid", "ApiVersion", "RawDlrDoneDate"]
        return (0..<count).map { _ in
            names.shuffled(using: &generator).prefix(Int.random(in: 2...names.count, using: &generator)).map { name in
                let value = values.randomElement(using: &generator)!
                return name + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)
            }.joined(separator: "&")
        }
    }

    @Test("Twilio: RequestValidator's signatures are accepted, and it accepts the gateway's own")
    func twilio() async throws {
        let token = "sdk-test-token-0123456789", url = "https://gateway.example.com/notifications/sms/twilio?tenant=a%20b"
        let check = TwilioSignature(tokens: [token], url: url)
        let bodies = Self.forms(count: 25)
        let signed = try await ProviderSDK.call(bodies.map { ["op": "twilio-sign", "token": token, "url": url, "body": $0] })
        var ourSignatures: [String] = []
        for (body, answer) in zip(bodies, signed) {
            let signature = try #require(answer["signature"] as? String)
            let payload = CallbackPayload(body: body, contentType: "application/x-www-form-urlencoded", headers: ["x-twilio-signature": signature])
            #expect(check.authenticate(payload, now: Date()) == .authentic(), "\(body)")
            let ours = try ProviderRequestSigner(secrets: ["TWILIO_AUTH_TOKENS": token, "TWILIO_CALLBACK_URL": url])
                .sign(.twilio, SignableRequest(headers: [], body: body))
            ourSignatures.append(try #require(ours.header("X-Twilio-Signature")))
        }
        let validated = try await ProviderSDK.call(zip(bodies, ourSignatures).map { body, signature in
            ["op": "twilio-validate", "token": token, "url": url, "body": body, "signature": signature]
        })
        for (body, answer) in zip(bodies, validated) {
            #expect(answer["valid"] as? Bool == true, "\(body)")
        }
    }

    @Test("SendGrid: signatures its EventWebhook helper accepts are accepted, and it accepts the gateway's fixture signatures")
    func sendgrid() async throws {
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let payloads = [
            #"[{"event":"delivered","sg_message_id":"abc.filter-1.0","timestamp":1795947300}]"# + "\r\n",
            #"[{"event":"open","email":"café@example.com"},{"event":"bounce","type":"blocked"}]"#,
            "[]",
        ]
        for payload in payloads {
            let signed = try await ProviderSDK.call(["op": "sendgrid-sign", "payload": payload, "timestamp": timestamp])
            #expect(signed["valid"] as? Bool == true, "the helper accepts its own")
            let key = try #require((signed["publicKey"] as? String).flatMap { Data(base64Encoded: $0) })
            let request = CallbackPayload(body: payload, contentType: "application/json", headers: [
                "x-twilio-email-event-webhook-signature": try #require(signed["signature"] as? String),
                "x-twilio-email-event-webhook-timestamp": timestamp,
            ])
            #expect(SendGridSignature(keys: [Array(key)]).authenticate(request, now: Date()) == .authentic())

            let ours = try SNSFixtures.providerSigner.sign(.sendgrid, SignableRequest(
                headers: [.init(name: "X-Twilio-Email-Event-Webhook-Timestamp", value: timestamp)], body: payload
            ))
            let verified = try await ProviderSDK.call([
                "op": "sendgrid-verify", "publicKey": try #require(SNSFixtures.providerSettings["SENDGRID_WEBHOOK_PUBLIC_KEYS"]),
                "payload": payload, "timestamp": timestamp,
                "signature": try #require(ours.header("X-Twilio-Email-Event-Webhook-Signature")),
            ])
            #expect(verified["valid"] as? Bool == true, "\(payload)")
        }
    }
}
