import CallbackCore
import FixtureSigning
import Foundation
import Testing
import TestSupport

/// Vonage's signature check against Vonage's own SDK (vonage 3.18.0, the last with the MD5 hash method): what it
/// signs, the gateway accepts; what the gateway's fixture signer signs, it accepts; for every method.
@Suite("Vonage signatures against Vonage's SDK")
struct VonageSDKTests {
    @Test("every method, both ways, on generated delivery receipts", arguments: VonageSignature.Method.allCases)
    func bothWays(method: VonageSignature.Method) async throws {
        var generator = SeededGenerator(seed: 23)
        let secret = "sdk-test-secret"
        let values = ["delivered", "a b", "x&y=z", "café", "0", "447700900123", "2026-11-29 10:15:00"]
        let receipts = (0..<10).map { _ in
            var parameters = ["messageId": "0A00000001", "status": values.randomElement(using: &generator)!,
                              "timestamp": String(Int(Date().timeIntervalSince1970)), "nonce": UUID().uuidString]
            for name in ["err-code", "client-ref", "message-timestamp", "to"] where Bool.random(using: &generator) {
                parameters[name] = values.randomElement(using: &generator)!
            }
            return parameters
        }
        let signed = try await ProviderSDK.call(receipts.map { ["op": "vonage-sign", "secret": secret, "method": method.rawValue, "params": $0] })
        var ours: [[String: String]] = []
        for (parameters, answer) in zip(receipts, signed) {
            let sig = try #require(answer["sig"] as? String)
            let json = try JSONSerialization.data(withJSONObject: parameters.merging(["sig": sig]) { $1 })
            let payload = CallbackPayload(body: Array(json), contentType: "application/json")
            #expect(VonageSignature(secrets: [secret], method: method).authenticate(payload, now: Date()) == .authentic(), "\(parameters)")

            // The fixture signer fills in the `sig` a fixture leaves empty.
            let request = SignableRequest(headers: [], body: String(decoding: try JSONSerialization.data(withJSONObject: parameters.merging(["sig": ""]) { $1 }), as: UTF8.self))
            let signedByUs = try ProviderRequestSigner(secrets: ["VONAGE_SIGNATURE_SECRETS": secret, "VONAGE_SIGNATURE_METHOD": method.rawValue]).sign(.vonage, request)
            ours.append(try #require(try JSONSerialization.jsonObject(with: Data(signedByUs.body.utf8)) as? [String: String]))
        }
        let checked = try await ProviderSDK.call(ours.map { ["op": "vonage-check", "secret": secret, "method": method.rawValue, "params": $0] })
        for (parameters, answer) in zip(ours, checked) {
            #expect(answer["valid"] as? Bool == true, "\(parameters)")
        }
    }
}
