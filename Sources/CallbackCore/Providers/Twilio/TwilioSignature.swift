import Foundation

/// Checks `X-Twilio-Signature` as Twilio's own `RequestValidator` does: the base64 HMAC-SHA1, keyed by one of the
/// account's auth tokens, of the public URL Twilio called (`TWILIO_CALLBACK_URL`, exactly as given to Twilio,
/// query string included) followed by every posted parameter, sorted by name, each name then its value (a repeated
/// name: each of its distinct values, sorted). Like Twilio's validator, the URL is also tried with its default port
/// written out (`:443`, `:80`) and with any port removed.
///
/// The URL is a setting rather than read from the request: behind a load balancer or a TLS terminator the gateway
/// sees neither the scheme nor the host Twilio used.
public struct TwilioSignature: RequestAuthenticator {
    /// The header.
    static let header = "x-twilio-signature"

    /// The setting holding the auth tokens.
    static let authTokens = ProviderSetting(
        variable: "TWILIO_AUTH_TOKENS",
        help: "Twilio auth tokens the signatures are keyed by (comma-separated to rotate); without one every Twilio request is refused",
        valueName: "token,...",
        isSecret: true
    )

    /// The setting holding the public URL.
    static let callbackURL = ProviderSetting(
        variable: "TWILIO_CALLBACK_URL",
        help: "the public URL Twilio is given as StatusCallback for this route (https://gateway.example.com/notifications/sms/twilio)",
        valueName: "url",
        isSecret: false
    )

    private let tokens: [[UInt8]]
    private let urls: [String]

    /// A check against these tokens, for requests Twilio sent to `url`.
    public init(tokens: [String], url: String) {
        self.tokens = tokens.map { Array($0.utf8) }
        urls = Self.variants(of: url)
    }

    /// The check from the settings: `nil` without tokens; tokens without a URL (or a URL that is not http(s)) is a
    /// setting to fix.
    static func make(_ values: [String: String]) throws(ProviderSettingError) -> TwilioSignature? {
        guard let tokens = try SignatureSettings.list(authTokens, in: values) else { return nil }
        guard let url = values[callbackURL.variable]?.trimmingCharacters(in: .whitespaces), !url.isEmpty else {
            throw ProviderSettingError(callbackURL, "is not set, but TWILIO_AUTH_TOKENS is: give the public URL Twilio posts to, which its signatures cover")
        }
        guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme?.lowercased() ?? ""), components.host != nil else {
            throw ProviderSettingError(callbackURL, "is not an http or https URL; give the public URL Twilio posts to, such as https://gateway.example.com/notifications/sms/twilio")
        }
        return TwilioSignature(tokens: tokens, url: url)
    }

    public func authenticate(_ payload: CallbackPayload, now: Date) -> Authentication {
        guard let header = payload.headers[Self.header] else { return .refused("no X-Twilio-Signature header") }
        // Compared as base64 text, as Twilio's own validators compare it: decoded first, a signature would also pass
        // in the spellings base64 leaves free (the last character's unused bits), which no Twilio request has.
        let presented = Array(header.trimmingCharacters(in: .whitespaces).utf8)
        guard let text = String(validating: payload.body, as: UTF8.self), let parameters = Self.signedParameters(text) else {
            return .refused("the body is not a form Twilio could have signed")
        }
        var matched = false
        // The URL as configured comes first and is what Twilio signs: the other spellings are tried only when it
        // fails. Every token is tried for each, so the time does not tell which token matched.
        for url in urls where !matched {
            let message = Array((url + parameters).utf8)
            for token in tokens where ConstantTime.equal(Array(Data(Digest.hmac(.sha1, key: token, message: message)).base64EncodedString().utf8), presented) {
                matched = true
            }
        }
        return matched ? .authentic() : .refused("the signature does not match the configured URL with any configured auth token")
    }

    /// Every parameter as Twilio signs them: decoded, names sorted, each name followed by its value; a name sent
    /// more than once, by each of its distinct values in order. `nil` for a body that cannot be decoded.
    public static func signedParameters(_ body: String) -> String? {
        var values: [String: Set<String>] = [:]
        for pair in FormDecoding.pairs(of: body) {
            guard let name = try? FormDecoding.decode(pair.name), let value = try? FormDecoding.decode(pair.value) else { return nil }
            values[name, default: []].insert(value)
        }
        // Sorted by Unicode scalars, as Python sorts strings: Swift's String order is by the same scalars for the
        // ASCII names Twilio sends, and compares by scalars otherwise too.
        return values.keys.sorted(by: Self.scalarOrder).map { name in
            values[name]!.sorted(by: Self.scalarOrder).map { name + $0 }.joined()
        }.joined()
    }

    private static func scalarOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    /// The URL as given, with its default port written out, and with any port removed, as Twilio's validator tries.
    static func variants(of url: String) -> [String] {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else { return [url] }
        var variants = [url]
        if components.port != nil {
            components.port = nil
            if let without = components.string { variants.append(without) }
        } else {
            components.port = scheme == "https" ? 443 : 80
            if let with = components.string { variants.append(with) }
        }
        return variants
    }
}
