import Foundation

/// Signs a SendGrid Event Webhook request as SendGrid does (``SendGridSignature``): the timestamp header (added with
/// the current time when absent) and an ECDSA signature over it and the body, with the private key in
/// `SENDGRID_FIXTURE_PRIVATE_KEY` (base64 PKCS#8 DER), which only fixtures and tests have.
struct SendGridFixtureSigner: FixtureRequestSigner {
    static let privateKey = "SENDGRID_FIXTURE_PRIVATE_KEY"

    func sign(_ request: SignableRequest, secrets: [String: String]) throws(FixtureSigningProblem) -> SignableRequest {
        guard let key = secrets[Self.privateKey].flatMap({ Data(base64Encoded: $0) }) else {
            throw FixtureSigningProblem("no \(Self.privateKey) (base64 PKCS#8 DER) to sign with")
        }
        let timestamp = request.header(SendGridSignature.timestampHeader) ?? String(Int(Date().timeIntervalSince1970))
        guard let signature = ECDSAP256.sign(Array(timestamp.utf8) + Array(request.body.utf8), privateKey: Array(key)) else {
            throw FixtureSigningProblem("\(Self.privateKey) is not a P-256 private key")
        }
        return request
            .setting(header: "X-Twilio-Email-Event-Webhook-Timestamp", to: timestamp)
            .setting(header: "X-Twilio-Email-Event-Webhook-Signature", to: Data(signature).base64EncodedString())
    }

    func spoil(_ request: SignableRequest) -> SignableRequest {
        request.spoiling(header: "X-Twilio-Email-Event-Webhook-Signature")
    }
}
