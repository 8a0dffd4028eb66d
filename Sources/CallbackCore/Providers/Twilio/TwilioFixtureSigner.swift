import Foundation

/// Signs a Twilio status callback as Twilio does (``TwilioSignature``): `X-Twilio-Signature` with the first auth
/// token, over `TWILIO_CALLBACK_URL` and the form.
struct TwilioFixtureSigner: FixtureRequestSigner {
    func sign(_ request: SignableRequest, secrets: [String: String]) throws(FixtureSigningProblem) -> SignableRequest {
        let token = try secrets.firstItem(TwilioSignature.authTokens.variable)
        guard let url = secrets[TwilioSignature.callbackURL.variable] else { throw FixtureSigningProblem("no TWILIO_CALLBACK_URL to sign with") }
        guard let parameters = TwilioSignature.signedParameters(request.body) else { throw FixtureSigningProblem("the body is not a form") }
        let signature = Digest.hmac(.sha1, key: Array(token.utf8), message: Array((url + parameters).utf8))
        return request.setting(header: "X-Twilio-Signature", to: Data(signature).base64EncodedString())
    }

    func spoil(_ request: SignableRequest) -> SignableRequest {
        request.spoiling(header: "X-Twilio-Signature")
    }
}
