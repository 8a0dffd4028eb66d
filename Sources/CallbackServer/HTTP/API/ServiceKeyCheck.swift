import CallbackCore
import CallbackStore
import Foundation
import Hummingbird

/// Finds which service and key type a request's `Authorization: Bearer <key id>.<secret>` speaks for.
///
/// Every refusal looks the same to the client (401, whatever was wrong): a malformed header, an unknown id, a wrong
/// secret, a revoked key. The secret's hash is compared in constant time, and a well-formed key with an unknown id
/// is still hashed, so the time a refusal takes does not say which it was.
struct ServiceKeyCheck: Sendable {
    let keys: any APIKeyStore

    /// What a request's key allows, or why there is none.
    enum Verdict: Sendable {
        /// The key is good: the notifications it may see.
        case allowed(NotificationScope)
        /// No good key.
        case refused
    }

    func check(_ request: Request) async throws(DatabaseError) -> Verdict {
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), let token = APIKeyToken(text: header.dropFirst(prefix.count)) else { return .refused }
        let given = token.secretHash
        guard let stored = try await keys.apiKey(id: token.id) else {
            _ = ConstantTime.equals(given, Self.decoy)
            return .refused
        }
        guard ConstantTime.equals(given, stored.secretHash), stored.key.revokedAt == nil else { return .refused }
        return .allowed(.service(stored.key.serviceID, keyType: stored.key.keyType))
    }

    /// Compared against when no key has the id, so that the work done is the same.
    private static let decoy = [UInt8](repeating: 0, count: 32)
}
