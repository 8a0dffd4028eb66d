import Foundation

/// Seals the bearer tokens of services' callbacks for the database, and opens them again, with the keys of
/// `SERVICE_CALLBACK_ENCRYPTION_KEY`: the first key seals; any of them opens what it sealed, so keys rotate by putting
/// the new one first and dropping the old one once every token is sealed again (`service-callbacks reseal`).
///
/// A sealed token is `01 | key id (4 bytes) | nonce (12) | ciphertext | tag (16)`, AES-256-GCM. The key id is the
/// start of the key's SHA-256, so the right key is found without trying each. The service and the callback type are
/// the authenticated data: a sealed token copied onto another service's row does not open.
public struct TokenSealer: Sendable {
    private let keys: [Key]

    private struct Key: Sendable {
        var id: [UInt8]
        var bytes: [UInt8]
    }

    private static let version: UInt8 = 1
    private static let keyIDSize = 4

    /// Why the setting's keys cannot be used.
    public struct KeyError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What was wrong, naming the key by its place in the list (never its value).
        public let description: String
    }

    /// The keys of the setting's text: comma-separated, each 32 bytes in base64; the first seals.
    public init(keysText: String) throws(KeyError) {
        let pieces = keysText.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !pieces.isEmpty, !(pieces.count == 1 && pieces[0].isEmpty) else {
            throw KeyError(description: "SERVICE_CALLBACK_ENCRYPTION_KEY is empty: give 32 random bytes in base64 (`openssl rand -base64 32`)")
        }
        var keys: [Key] = []
        for (index, piece) in pieces.enumerated() {
            guard let bytes = Data(base64Encoded: piece), bytes.count == AESGCM.keySize else {
                throw KeyError(description: "SERVICE_CALLBACK_ENCRYPTION_KEY's key \(index + 1) is not 32 bytes in base64: make one with `openssl rand -base64 32`")
            }
            keys.append(Key(id: Array(Digest.hash(.sha256, Array(bytes)).prefix(Self.keyIDSize)), bytes: Array(bytes)))
        }
        self.keys = keys
    }

    /// `token` sealed with the first key, bound to `service` and `type`; `nonce` must be 12 fresh random bytes.
    public func seal(_ token: String, service: UUID, type: ServiceCallbackType, nonce: [UInt8]) -> [UInt8]? {
        guard let key = keys.first,
              let sealed = AESGCM.seal(Array(token.utf8), key: key.bytes, nonce: nonce, additional: Self.additional(service, type))
        else { return nil }
        return [Self.version] + key.id + nonce + sealed
    }

    /// The token `sealed` holds, or `nil` when none of the keys sealed it for `service` and `type`, or it was changed.
    public func open(_ sealed: [UInt8], service: UUID, type: ServiceCallbackType) -> String? {
        let header = 1 + Self.keyIDSize + AESGCM.nonceSize
        guard sealed.count >= header + AESGCM.tagSize, sealed[0] == Self.version else { return nil }
        let keyID = Array(sealed[1..<(1 + Self.keyIDSize)])
        let nonce = Array(sealed[(1 + Self.keyIDSize)..<header])
        guard let key = keys.first(where: { $0.id == keyID }),
              let plain = AESGCM.open(Array(sealed[header...]), key: key.bytes, nonce: nonce, additional: Self.additional(service, type))
        else { return nil }
        return String(bytes: plain, encoding: .utf8)
    }

    /// `token` sealed with the first key, bound to `service` and `type`, under a fresh nonce from `randomness`.
    public func seal(
        _ token: String, service: UUID, type: ServiceCallbackType, using randomness: inout some RandomNumberGenerator
    ) -> [UInt8]? {
        let nonce = (0..<AESGCM.nonceSize).map { _ in UInt8.random(in: .min ... .max, using: &randomness) }
        return seal(token, service: service, type: type, nonce: nonce)
    }

    /// Whether `sealed` was sealed with the first key (a token sealed with an older one is sealed again on rotation).
    public func isSealedWithCurrentKey(_ sealed: [UInt8]) -> Bool {
        sealed.count > Self.keyIDSize && Array(sealed[1...Self.keyIDSize]) == keys.first?.id
    }

    private static func additional(_ service: UUID, _ type: ServiceCallbackType) -> [UInt8] {
        Array((UUIDText.lowercase(service) + "/" + type.rawValue).utf8)
    }
}
