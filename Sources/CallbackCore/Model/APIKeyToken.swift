import Foundation

/// A service's API key as its holder sends it: `<key id>.<secret>`, the id a UUID and the secret 64 lower-case hex
/// digits (32 random bytes). The gateway keeps only the secret's SHA-256; the id finds the key's row, and the hash of
/// the secret given is compared with the stored one in constant time.
public struct APIKeyToken: Sendable, Hashable {
    /// The key's id: the primary key of its row, not secret.
    public let id: UUID
    /// The secret, as hex text.
    public let secret: String

    /// The length of the secret in hex digits.
    public static let secretLength = 64

    /// A new key with a secret made of `randomness`'s bytes.
    public static func generate(using randomness: inout some RandomNumberGenerator) -> APIKeyToken {
        let bytes = (0..<secretLength / 2).map { _ in UInt8.random(in: .min ... .max, using: &randomness) }
        return APIKeyToken(id: UUID(), secret: Digest.hex(bytes))
    }

    private init(id: UUID, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Reads the text a holder sends; `nil` unless it is exactly `<uuid>.<64 lower-case hex digits>`.
    public init?(text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = UUID(uuidString: String(parts[0])),
              parts[1].utf8.count == Self.secretLength,
              parts[1].utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
        else { return nil }
        self.init(id: id, secret: String(parts[1]))
    }

    /// What the holder sends: `<key id>.<secret>`.
    public var text: String { UUIDText.lowercase(id) + "." + secret }

    /// What the gateway stores and compares: the SHA-256 of the secret's text.
    public var secretHash: [UInt8] { Digest.hash(.sha256, Array(secret.utf8)) }
}

extension APIKeyToken: CustomStringConvertible {
    /// The id only: a token that reaches a log or an error message never shows its secret.
    public var description: String { "API key \(UUIDText.lowercase(id))" }
}
