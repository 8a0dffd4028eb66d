/// Signs a Mailgun webhook as Mailgun does (``MailgunSignature``): the body's `signature.signature`, over its
/// `timestamp` and `token`, with the first signing key.
struct MailgunFixtureSigner: FixtureRequestSigner {
    func sign(_ request: SignableRequest, secrets: [String: String]) throws(FixtureSigningProblem) -> SignableRequest {
        let key = try secrets.firstItem(MailgunSignature.signingKeys.variable)
        guard case .object(let members)? = JSONValue.parse(request.body.utf8), case .object(let signature)? = members["signature"],
              case .string(let timestamp)? = signature["timestamp"], case .string(let token)? = signature["token"]
        else { throw FixtureSigningProblem("the body has no signature.timestamp and signature.token") }
        let hex = Digest.hex(Digest.hmac(.sha256, key: Array(key.utf8), message: Array((timestamp + token).utf8)))
        return try request.setting(jsonMember: "signature", to: hex)
    }

    func spoil(_ request: SignableRequest) -> SignableRequest {
        request.spoiling(bodyValueAfter: "\"signature\"")
    }
}
