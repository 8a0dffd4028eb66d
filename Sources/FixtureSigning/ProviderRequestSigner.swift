import CallbackCore
import Foundation

/// Signs any provider's request the way that provider signs it, with the fixtures' test secrets
/// (`fixtures/keys/providers.env`): for the fixtures, the tests and the benchmark, never the gateway. A signed
/// provider's unit says how (``ProviderUnit/fixtureSigner``); a Basic-auth provider gets `Authorization: Basic` with
/// the first configured credentials, when there are any. SES is signed by ``SNSMessageSigner``.
public struct ProviderRequestSigner: Sendable {
    /// The secrets, by name: the gateway's settings and the fixtures' private keys.
    public let secrets: [String: String]

    /// A signer with these secrets.
    public init(secrets: [String: String]) {
        self.secrets = secrets
    }

    /// The signer with the fixtures' secrets, read from `fixtures/keys/providers.env` under `root`.
    public static func fixtureSecrets(root: String) throws(SigningError) -> ProviderRequestSigner {
        let path = (root as NSString).appendingPathComponent("fixtures/keys/providers.env")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw SigningError("cannot read \(path)") }
        return ProviderRequestSigner(secrets: settings(environmentFile: text))
    }

    /// `NAME=value` lines; `#` lines and blank lines are skipped.
    public static func settings(environmentFile text: String) -> [String: String] {
        var settings: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<equals]).trimmingCharacters(in: .whitespaces)] = String(line[line.index(after: equals)...])
        }
        return settings
    }

    /// The request signed as `provider` signs it.
    public func sign(_ provider: Provider, _ request: SignableRequest) throws(SigningError) -> SignableRequest {
        guard let unit = ProviderRegistry.unit(for: provider) else { throw SigningError("\(provider) is not a provider") }
        if let signer = unit.fixtureSigner {
            do {
                return try signer.sign(request, secrets: secrets)
            } catch {
                throw SigningError("cannot sign a \(unit.displayName) request: \(error)")
            }
        }
        guard case .basicAuth(let setting) = unit.authenticity,
              let credentials = secrets[setting.variable]?.split(separator: ",").first.map(String.init)
        else { return request }
        return request.setting(header: "Authorization", to: "Basic " + Data(credentials.utf8).base64EncodedString())
    }

    /// The signed request with its signature spoiled, as `provider`'s fixture signer spoils it; a Basic-auth
    /// provider's `Authorization` header keeps its form but gets a wrong password (its last character changed).
    public func spoil(_ provider: Provider, _ request: SignableRequest) -> SignableRequest {
        if let signer = ProviderRegistry.unit(for: provider)?.fixtureSigner { return signer.spoil(request) }
        guard let header = request.header("Authorization"), header.hasPrefix("Basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst("Basic ".count))),
              var credentials = String(data: decoded, encoding: .utf8), let last = credentials.popLast()
        else { return request }
        credentials.append(last == "x" ? "y" : "x")
        return request.setting(header: "Authorization", to: "Basic " + Data(credentials.utf8).base64EncodedString())
    }

    /// Whether `request` already carries a signature `provider`'s check accepts at `now` with these secrets, so that
    /// a signer whose signatures differ each time (SendGrid's ECDSA) need not rewrite a fixture that still verifies.
    public func verifies(_ provider: Provider, _ request: SignableRequest, contentType: String?, now: Date) -> Bool {
        guard let unit = ProviderRegistry.unit(for: provider), case .signature(let scheme) = unit.authenticity,
              let check = try? scheme.make(secrets)
        else { return false }
        var headers: [String: String] = [:]
        for name in unit.headers {
            if let value = request.header(name) { headers[name] = value }
        }
        let payload = CallbackPayload(body: request.body, contentType: contentType, headers: headers)
        if case .authentic = check.authenticate(payload, now: now) { return true }
        return false
    }
}
