import CallbackCore
import Foundation

/// A service's API key as the gateway keeps it: never the secret, only its hash.
public struct APIKey: Sendable, Hashable {
    /// The key's id, the first part of the text its holder sends.
    public var id: UUID
    /// The service whose notifications it may see.
    public var serviceID: UUID
    /// The kind of notifications it may see: only those sent with a key of the same kind.
    public var keyType: KeyType
    /// A name for people, if one was given.
    public var name: String?
    /// When it was made.
    public var createdAt: Date
    /// When it was revoked; a revoked key is refused.
    public var revokedAt: Date?
}

/// Where the gateway finds the API keys it checks. The server depends on this protocol, not on PostgreSQL.
public protocol APIKeyStore: Sendable {
    /// The key with `id` and the SHA-256 of its secret, or `nil` when there is none.
    func apiKey(id: UUID) async throws(DatabaseError) -> (key: APIKey, secretHash: [UInt8])?
}

/// Why a key could not be made or changed.
public enum APIKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No key has that id.
    case unknownKey(UUID)
    /// The key was revoked before.
    case alreadyRevoked(UUID, at: Date)
    /// The database failed.
    case database(DatabaseError)

    public var description: String {
        switch self {
        case .unknownKey(let id):
            "no API key has the id \(UUIDText.lowercase(id)): `callback-gateway keys list` shows every key"
        case .alreadyRevoked(let id, let at):
            "the API key \(UUIDText.lowercase(id)) was already revoked at \(at.formatted(.iso8601)); nothing changed"
        case .database(let error):
            "\(error)"
        }
    }
}
