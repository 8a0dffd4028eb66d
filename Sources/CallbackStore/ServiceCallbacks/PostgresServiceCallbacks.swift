import CallbackCore
import Foundation

/// Services' callbacks in the `service_callbacks` table: one per service and type, set, listed and removed by
/// `callback-gateway service-callbacks`.
public struct PostgresServiceCallbacks: Sendable {
    private let workers: DatabaseWorkers

    /// Callbacks on the given workers' database.
    public init(workers: DatabaseWorkers) {
        self.workers = workers
    }

    /// Registers the service's callback of `type`, or replaces it; returns it.
    public func set(
        service: UUID, type: ServiceCallbackType, url: String, sealedToken: [UInt8]
    ) async throws(DatabaseError) -> ServiceCallback {
        let parameters: [String?] = [UUIDText.lowercase(service), type.rawValue, url, ByteaText.text(sealedToken)]
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.set, parameters)
        }
        guard let callback = ServiceCallback(result, row: 0) else {
            throw .statementFailed(sqlState: "", message: "registering the callback returned no row")
        }
        return callback
    }

    /// Every callback, or a service's, by service then type.
    public func list(service: UUID? = nil) async throws(DatabaseError) -> [ServiceCallback] {
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.list, [service.map(UUIDText.lowercase)])
        }
        return result.rows.indices.compactMap { ServiceCallback(result, row: $0) }
    }

    /// Removes the service's callback of `type`; whether there was one.
    public func remove(service: UUID, type: ServiceCallbackType) async throws(DatabaseError) -> Bool {
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.remove, [UUIDText.lowercase(service), type.rawValue])
        }
        return !result.rows.isEmpty
    }

    /// Replaces a callback's sealed token, only if it is still `previous` (a `set` in between wins).
    public func reseal(_ callback: ServiceCallback, with sealed: [UInt8]) async throws(DatabaseError) -> Bool {
        let parameters: [String?] = [
            UUIDText.lowercase(callback.serviceID), callback.type.rawValue, ByteaText.text(callback.sealedToken), ByteaText.text(sealed),
        ]
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.reseal, parameters)
        }
        return !result.rows.isEmpty
    }

    enum Statements {
        private static let columns = """
            service_id, callback_type, url, sealed_token, extract(epoch FROM created_at) AS created_at,
            extract(epoch FROM updated_at) AS updated_at
            """
        static let set = PreparedStatement(name: "service_callback_set", sql: """
            INSERT INTO service_callbacks (service_id, callback_type, url, sealed_token)
            VALUES ($1::uuid, $2::text, $3::text, $4::bytea)
            ON CONFLICT (service_id, callback_type)
            DO UPDATE SET url = EXCLUDED.url, sealed_token = EXCLUDED.sealed_token, updated_at = now()
            RETURNING \(columns)
            """)
        static let list = PreparedStatement(name: "service_callback_list", sql: """
            SELECT \(columns) FROM service_callbacks
             WHERE $1::uuid IS NULL OR service_id = $1::uuid
             ORDER BY service_id, callback_type
            """)
        static let remove = PreparedStatement(name: "service_callback_remove", sql: """
            DELETE FROM service_callbacks WHERE service_id = $1::uuid AND callback_type = $2::text RETURNING service_id
            """)
        static let reseal = PreparedStatement(name: "service_callback_reseal", sql: """
            UPDATE service_callbacks SET sealed_token = $4::bytea, updated_at = now()
             WHERE service_id = $1::uuid AND callback_type = $2::text AND sealed_token = $3::bytea
            RETURNING service_id
            """)
    }
}

extension ServiceCallback {
    /// Row `row` of `result`, or `nil` when it cannot be read.
    init?(_ result: QueryResult, row: Int) {
        guard let service = result.value("service_id", row: row).flatMap(UUID.init(uuidString:)),
              let type = result.value("callback_type", row: row).flatMap(ServiceCallbackType.init(rawValue:)),
              let url = result.value("url", row: row),
              let sealed = result.value("sealed_token", row: row).flatMap(ByteaText.bytes),
              let created = result.value("created_at", row: row).flatMap(Double.init),
              let updated = result.value("updated_at", row: row).flatMap(Double.init)
        else { return nil }
        self.init(
            serviceID: service, type: type, url: url, sealedToken: sealed,
            createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: updated)
        )
    }
}
