/// Signs a Vonage delivery receipt as Vonage does (``VonageSignature``): its `sig`, with the first secret and the
/// configured method, in a form or a JSON body alike.
struct VonageFixtureSigner: FixtureRequestSigner {
    func sign(_ request: SignableRequest, secrets: [String: String]) throws(FixtureSigningProblem) -> SignableRequest {
        let secret = try secrets.firstItem(VonageSignature.secrets.variable)
        let method = VonageSignature.Method(rawValue: secrets[VonageSignature.method.variable] ?? "md5hash") ?? .md5hash
        // Read as the adapter reads it, or a body with a blank before its `{` would be signed as a form.
        let json = VonageParameters.isJSON(request.body.utf8)
        let payload = CallbackPayload(body: request.body, contentType: json ? "application/json" : "application/x-www-form-urlencoded")
        guard var parameters = VonageParameters.read(payload) else { throw FixtureSigningProblem("the body is neither a form nor JSON") }
        parameters.removeValue(forKey: "sig")
        let sig = VonageSignature(secrets: [secret], method: method).sign(VonageSignature.signedText(parameters), secret: secret)
        return json ? try request.setting(jsonMember: "sig", to: sig) : request.setting(formField: "sig", to: sig)
    }

    func spoil(_ request: SignableRequest) -> SignableRequest {
        request.spoiling(bodyValueAfter: VonageParameters.isJSON(request.body.utf8) ? "\"sig\"" : "sig=")
    }
}
