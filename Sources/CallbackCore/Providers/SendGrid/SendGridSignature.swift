import Foundation

/// Checks SendGrid's Signed Event Webhook as SendGrid's own `EventWebhook` helper does: the
/// `X-Twilio-Email-Event-Webhook-Signature` header (base64 of a DER ECDSA signature) must sign, with one of the
/// configured public keys (base64 DER SubjectPublicKeyInfo, as SendGrid shows it), the
/// `X-Twilio-Email-Event-Webhook-Timestamp` header followed by the raw body. The timestamp must be at most a day old.
public struct SendGridSignature: RequestAuthenticator {
    static let signatureHeader = "x-twilio-email-event-webhook-signature"
    static let timestampHeader = "x-twilio-email-event-webhook-timestamp"

    /// The setting holding the public keys.
    static let publicKeys = ProviderSetting(
        variable: "SENDGRID_WEBHOOK_PUBLIC_KEYS",
        help: "the Signed Event Webhook's verification keys as SendGrid shows them, base64 (comma-separated to rotate); without one every SendGrid request is refused",
        valueName: "key,...",
        isSecret: false
    )

    /// Read once (reading costs more than a check, see ``ECDSAP256/PublicKey``).
    private let keys: [ECDSAP256.PublicKey]

    /// A check against these public keys (DER SubjectPublicKeyInfo); one that is not a P-256 key verifies nothing.
    public init(keys: [[UInt8]]) {
        self.keys = keys.compactMap(ECDSAP256.PublicKey.init(der:))
    }

    static func make(_ values: [String: String]) throws(ProviderSettingError) -> SendGridSignature? {
        guard let texts = try SignatureSettings.list(publicKeys, in: values) else { return nil }
        var keys: [[UInt8]] = []
        for (index, text) in texts.enumerated() {
            guard let der = Data(base64Encoded: text).map(Array.init), ECDSAP256.isPublicKey(der) else {
                throw ProviderSettingError(publicKeys, "item \(index + 1) is not a P-256 public key in base64 DER; copy the verification key SendGrid shows for the Signed Event Webhook")
            }
            keys.append(der)
        }
        return SendGridSignature(keys: keys)
    }

    public func authenticate(_ payload: CallbackPayload, now: Date) -> Authentication {
        guard let signatureText = payload.headers[Self.signatureHeader],
              let signature = Data(base64Encoded: signatureText.trimmingCharacters(in: .whitespaces)),
              let timestamp = payload.headers[Self.timestampHeader]
        else { return .refused("no signature and timestamp headers, or a signature that is not base64") }
        guard let seconds = Double(timestamp.trimmingCharacters(in: .whitespaces)), SignatureSettings.isFresh(seconds, now: now) else {
            return .refused("the signed timestamp is more than a day old, or not a number")
        }
        let message = Array(timestamp.utf8) + payload.body
        let signatureBytes = Array(signature)
        for key in keys where key.verify(signature: signatureBytes, of: message) {
            return .authentic()
        }
        return .refused("the signature does not verify with any configured public key")
    }
}
