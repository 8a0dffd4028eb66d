/// The connection a worker thread owns, opened lazily and replaced when broken.
final class ConnectionSlot {
    private let configuration: DatabaseConfiguration
    private let breaker: ConnectBreaker
    private var current: PostgresConnection?

    init(configuration: DatabaseConfiguration, breaker: ConnectBreaker) {
        self.configuration = configuration
        self.breaker = breaker
    }

    /// A usable connection: the current one, or a new one unless the database was just found unreachable.
    func connection() throws(DatabaseError) -> PostgresConnection {
        if let current, current.isUsable() { return current }
        current?.close()
        current = nil
        if let error = breaker.openError() { throw error }
        do {
            let fresh = try PostgresConnection(configuration: configuration)
            breaker.closeAfterSuccess()
            current = fresh
            return fresh
        } catch {
            breaker.open(after: error)
            throw error
        }
    }

    func close() {
        current?.close()
        current = nil
    }
}
