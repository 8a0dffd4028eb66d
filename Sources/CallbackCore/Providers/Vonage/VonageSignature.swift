import Foundation

/// Checks a signed Vonage delivery receipt as Vonage documents it: every parameter but `sig`, sorted by name, each
/// value with `&` and `=` replaced by `_`, joined as `&name=value...`; then the MD5 hash of that text followed by
/// the signature secret (`md5hash`, the dashboard's default), or the HMAC of it keyed by the secret (`md5`, `sha1`,
/// `sha256`, `sha512`), in hexadecimal, compared without regard to case. The signed `timestamp` must be at most a
/// day old.
public struct VonageSignature: RequestAuthenticator {
    /// How Vonage signs: the dashboard's "signature method".
    public enum Method: String, Sendable, CaseIterable {
        case md5hash, md5, sha1, sha256, sha512
    }

    /// The setting holding the signature secrets.
    static let secrets = ProviderSetting(
        variable: "VONAGE_SIGNATURE_SECRETS",
        help: "Vonage signature secrets (comma-separated to rotate); without one every Vonage request is refused",
        valueName: "secret,...",
        isSecret: true
    )

    /// The setting naming the method.
    static let method = ProviderSetting(
        variable: "VONAGE_SIGNATURE_METHOD",
        help: "the account's signature method: md5hash (default), md5, sha1, sha256 or sha512 (the last four are HMACs)",
        valueName: "method",
        isSecret: false
    )

    private let secrets: [String]
    private let method: Method

    /// A check against these secrets with this method.
    public init(secrets: [String], method: Method) {
        self.secrets = secrets
        self.method = method
    }

    static func make(_ values: [String: String]) throws(ProviderSettingError) -> VonageSignature? {
        var chosen = Method.md5hash
        if let text = values[method.variable]?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty {
            guard let known = Method(rawValue: text) else {
                throw ProviderSettingError(method, "is not a signature method; use one of \(Method.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            chosen = known
        }
        return try SignatureSettings.list(secrets, in: values).map { VonageSignature(secrets: $0, method: chosen) }
    }

    public func authenticate(_ payload: CallbackPayload, now: Date) -> Authentication {
        guard var parameters = VonageParameters.read(payload) else { return .refused("the body is neither a form nor a JSON object of strings") }
        guard let presented = parameters.removeValue(forKey: "sig") else { return .refused("the receipt is not signed (no sig)") }
        guard let timestamp = parameters["timestamp"].flatMap(Double.init), SignatureSettings.isFresh(timestamp, now: now) else {
            return .refused("the signed timestamp is missing, not a number, or more than a day old")
        }
        let text = Self.signedText(parameters)
        let expected = Array(presented.lowercased().utf8)
        var matched = false
        for secret in secrets where ConstantTime.equal(Array(sign(text, secret: secret).utf8), expected) {
            matched = true
        }
        return matched ? .authentic() : .refused("the signature does not match any configured secret with the configured method")
    }

    /// `&name=value...` of every parameter, sorted by name (byte order), `&` and `=` in values replaced by `_`.
    public static func signedText(_ parameters: [String: String]) -> String {
        // Byte by byte: `&` and `=` are ASCII, and Foundation's replacingOccurrences cost a receipt tens of µs.
        var text: [UInt8] = []
        for (name, value) in parameters.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            text.append(UInt8(ascii: "&"))
            text += name.utf8
            text.append(UInt8(ascii: "="))
            for byte in value.utf8 { text.append(byte == UInt8(ascii: "&") || byte == UInt8(ascii: "=") ? UInt8(ascii: "_") : byte) }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The lower-case hex signature of `text`.
    public func sign(_ text: String, secret: String) -> String {
        let message = Array(text.utf8), key = Array(secret.utf8)
        return switch method {
        case .md5hash: Digest.hex(Digest.hash(.md5, message + key))
        case .md5: Digest.hex(Digest.hmac(.md5, key: key, message: message))
        case .sha1: Digest.hex(Digest.hmac(.sha1, key: key, message: message))
        case .sha256: Digest.hex(Digest.hmac(.sha256, key: key, message: message))
        case .sha512: Digest.hex(Digest.hmac(.sha512, key: key, message: message))
        }
    }
}
