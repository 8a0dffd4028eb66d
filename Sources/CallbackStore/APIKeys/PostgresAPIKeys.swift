import CallbackCore
import Foundation

/// Services' API keys in the `api_keys` table: made, listed and revoked by `callback-gateway keys`, checked by the
/// receipts API.
public struct PostgresAPIKeys: APIKeyStore {
    private let workers: DatabaseWorkers

    /// Keys on the given workers' database.
    public init(workers: DatabaseWorkers) {
        self.workers = workers
    }

    /// Stores a new key for `token` (only its secret's hash is kept) and returns it.
    public func create(_ token: APIKeyToken, serviceID: UUID, keyType: KeyType, name: String?) async throws(DatabaseError) -> APIKey {
        let parameters: [String?] = [
            UUIDText.lowercase(token.id), UUIDText.lowercase(serviceID), keyType.rawValue, name, "\\x" + Digest.hex(token.secretHash),
        ]
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.create, parameters)
        }
        guard let key = APIKey(result, row: 0) else {
            throw .statementFailed(sqlState: "", message: "storing the API key returned no row")
        }
        return key
    }

    /// Every key, or a service's, oldest first.
    public func list(serviceID: UUID? = nil) async throws(DatabaseError) -> [APIKey] {
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.list, [serviceID.map(UUIDText.lowercase)])
        }
        return result.rows.indices.compactMap { APIKey(result, row: $0) }
    }

    /// Revokes a key: from the next request on, it is refused.
    public func revoke(id: UUID) async throws(APIKeyError) -> APIKey {
        let result: QueryResult
        do {
            result = try await workers.run { connection throws(DatabaseError) in
                try connection.query(Statements.revoke, [UUIDText.lowercase(id)])
            }
        } catch {
            throw .database(error)
        }
        guard let key = APIKey(result, row: 0) else { throw .unknownKey(id) }
        if let previously = result.value("previously_revoked_at").flatMap(Double.init) {
            throw .alreadyRevoked(id, at: Date(timeIntervalSince1970: previously))
        }
        return key
    }

    public func apiKey(id: UUID) async throws(DatabaseError) -> (key: APIKey, secretHash: [UInt8])? {
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.find, [UUIDText.lowercase(id)])
        }
        guard let key = APIKey(result, row: 0), let hash = result.value("secret_hash").flatMap(Self.bytes(hex:)) else { return nil }
        return (key, hash)
    }

    /// The bytes of PostgreSQL's hex output of a `bytea` (`\x0a1b...`).
    private static func bytes(hex text: String) -> [UInt8]? {
        guard text.hasPrefix("\\x"), text.utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var digits = text.utf8.dropFirst(2).makeIterator()
        while let high = digits.next(), let low = digits.next() {
            guard let h = Self.nibble(high), let l = Self.nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    enum Statements {
        private static let columns = """
            id, service_id, key_type, name, extract(epoch FROM created_at) AS created_at,
            extract(epoch FROM revoked_at) AS revoked_at
            """
        static let create = PreparedStatement(name: "api_key_create", sql: """
            INSERT INTO api_keys (id, service_id, key_type, name, secret_hash)
            VALUES ($1::uuid, $2::uuid, $3::text, $4::text, $5::bytea)
            RETURNING \(columns)
            """)
        static let list = PreparedStatement(name: "api_key_list", sql: """
            SELECT \(columns) FROM api_keys
             WHERE $1::uuid IS NULL OR service_id = $1::uuid
             ORDER BY created_at, id
            """)
        /// Revoking twice keeps the first moment and says so.
        static let revoke = PreparedStatement(name: "api_key_revoke", sql: """
            WITH before AS (SELECT id, revoked_at FROM api_keys WHERE id = $1::uuid FOR UPDATE)
            UPDATE api_keys k SET revoked_at = COALESCE(before.revoked_at, now())
              FROM before
             WHERE k.id = before.id
            RETURNING k.id, k.service_id, k.key_type, k.name, extract(epoch FROM k.created_at) AS created_at,
                      extract(epoch FROM k.revoked_at) AS revoked_at,
                      extract(epoch FROM before.revoked_at) AS previously_revoked_at
            """)
        static let find = PreparedStatement(name: "api_key_find", sql: """
            SELECT \(columns), secret_hash FROM api_keys WHERE id = $1::uuid
            """)
    }
}

extension APIKey {
    /// Row `row` of `result`, or `nil` when there is none or it cannot be read.
    init?(_ result: QueryResult, row: Int) {
        guard let id = result.value("id", row: row).flatMap(UUID.init(uuidString:)),
              let service = result.value("service_id", row: row).flatMap(UUID.init(uuidString:)),
              let keyType = result.value("key_type", row: row).flatMap(KeyType.init(rawValue:)),
              let created = result.value("created_at", row: row).flatMap(Double.init)
        else { return nil }
        self.init(
            id: id, serviceID: service, keyType: keyType, name: result.value("name", row: row),
            createdAt: Date(timeIntervalSince1970: created),
            revokedAt: result.value("revoked_at", row: row).flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        )
    }
}
