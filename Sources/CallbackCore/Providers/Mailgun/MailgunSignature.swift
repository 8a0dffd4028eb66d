import Foundation

/// Checks Mailgun's webhook signature: `signature.signature` must be the hex HMAC-SHA256, keyed by one of the
/// configured webhook signing keys, of `signature.timestamp` followed by `signature.token`. The timestamp must be at
/// most a day old, and the token (which the store claims with the receipt) goes with one body only.
public struct MailgunSignature: RequestAuthenticator {
    /// The setting holding the signing keys.
    static let signingKeys = ProviderSetting(
        variable: "MAILGUN_WEBHOOK_SIGNING_KEYS",
        help: "Mailgun's webhook signing keys (comma-separated to rotate); without one every Mailgun request is refused",
        valueName: "key,...",
        isSecret: true
    )

    private let keys: [[UInt8]]

    /// A check against these signing keys.
    public init(keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
    }

    public func authenticate(_ payload: CallbackPayload, now: Date) -> Authentication {
        guard case .object(let members)? = JSONValue.parse(payload.body),
              case .object(let signature)? = members["signature"],
              case .string(let timestamp)? = signature["timestamp"],
              case .string(let token)? = signature["token"],
              case .string(let presented)? = signature["signature"]
        else { return .refused("no signature object with timestamp, token and signature") }
        guard !token.isEmpty, token.utf8.count <= 256 else { return .refused("the token is empty or too long") }
        guard let seconds = Double(timestamp), SignatureSettings.isFresh(seconds, now: now) else {
            return .refused("the signed timestamp is more than a day old, or not a number")
        }
        let message = Array((timestamp + token).utf8)
        let expected = Array(presented.lowercased().utf8)
        var matched = false
        for key in keys where ConstantTime.equal(Array(Digest.hex(Digest.hmac(.sha256, key: key, message: message)).utf8), expected) {
            matched = true
        }
        return matched ? .authentic(oneTimeToken: token) : .refused("the signature does not match any configured signing key")
    }
}
