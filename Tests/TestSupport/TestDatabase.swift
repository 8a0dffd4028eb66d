import CallbackCore
import CallbackStore
import Foundation

/// A database of its own for one test, created from a migrated template and dropped afterwards, so that tests run
/// in parallel without seeing each other's rows (the retrier, above all, takes every due receipt it can see).
public final class TestDatabase: Sendable {
    /// The database's connection string.
    public let url: String
    /// Workers on the database.
    public let workers: DatabaseWorkers
    /// The receipt store on it.
    public let store: PostgresReceiptStore
    private let name: String

    private init(name: String, url: String, poolSize: Int) {
        self.name = name
        self.url = url
        self.workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: url, poolSize: poolSize))
        self.store = PostgresReceiptStore(workers: workers)
    }

    /// Runs `body` with a fresh, migrated database and drops it afterwards.
    @discardableResult
    public static func with<T>(poolSize: Int = 2, _ body: (TestDatabase) async throws -> T) async throws -> T {
        let admin = try await Admin.shared()
        let name = "cbgw_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin.run(TestSQL.createFromTemplate(name))
        let database = TestDatabase(name: name, url: try admin.url(forDatabase: name), poolSize: poolSize)
        do {
            let value = try await body(database)
            await database.workers.shutdownAndWait()
            try? await admin.run(TestSQL.drop(name))
            return value
        } catch {
            await database.workers.shutdownAndWait()
            try? await admin.run(TestSQL.drop(name))
            throw error
        }
    }

    /// Runs a statement and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) async throws -> QueryResult {
        let statement = PreparedStatement(name: "test_\(UInt(bitPattern: sql.hashValue))", sql: sql)
        return try await workers.run { connection throws(DatabaseError) in try connection.query(statement, parameters) }
    }

    /// Inserts a notification the way the platform's sender does, with its first history row.
    @discardableResult
    public func insertNotification(
        id: UUID = UUID(),
        status: NotificationStatus,
        type: String = "sms",
        reference: String? = nil,
        sentAt: Date? = Date(),
        sentBy: String? = nil
    ) async throws -> UUID {
        try await FixtureSeeder(workers: workers).insert(FixtureNotification(
            id: id, notificationType: type, status: status, reference: reference, sentAt: sentAt, sentBy: sentBy
        ))
        return id
    }

    /// A notification's row as the tests inspect it.
    public struct NotificationRow: Sendable, Equatable {
        public var status: NotificationStatus?
        public var version: Int
        public var updatedBy: String?
        public var sentBy: String?
        public var hasUpdatedAt: Bool

        public init(status: NotificationStatus?, version: Int, updatedBy: String?, sentBy: String?, hasUpdatedAt: Bool) {
            self.status = status
            self.version = version
            self.updatedBy = updatedBy
            self.sentBy = sentBy
            self.hasUpdatedAt = hasUpdatedAt
        }
    }

    /// Reads a notification.
    public func notification(_ id: UUID) async throws -> NotificationRow? {
        let result = try await query(
            "SELECT status, version, updated_by, sent_by, updated_at IS NOT NULL AS has_updated_at FROM notifications WHERE id = $1::uuid",
            [id.uuidString.lowercased()]
        )
        guard !result.rows.isEmpty else { return nil }
        return NotificationRow(
            status: result.value("status").flatMap(NotificationStatus.init(rawValue:)),
            version: result.value("version").flatMap { Int($0) } ?? 0,
            updatedBy: result.value("updated_by"),
            sentBy: result.value("sent_by"),
            hasUpdatedAt: result.value("has_updated_at") == "t"
        )
    }

    /// The history of a notification as (version, status) pairs, oldest first.
    public func history(_ id: UUID) async throws -> [(version: Int, status: String)] {
        let result = try await query(
            "SELECT version, status FROM notification_history WHERE id = $1::uuid ORDER BY version",
            [id.uuidString.lowercased()]
        )
        return result.rows.map { (Int($0[0] ?? "") ?? -1, $0[1] ?? "") }
    }

    /// The outcomes of the receipts stored for a notification, oldest first.
    public func receiptOutcomes(_ id: UUID) async throws -> [String] {
        let result = try await query(
            "SELECT outcome FROM callback_receipts WHERE notification_id = $1::uuid ORDER BY id",
            [id.uuidString.lowercased()]
        )
        return result.rows.map { $0[0] ?? "" }
    }

    /// Makes every `waiting` receipt due now, instead of waiting out its back-off.
    public func makeWaitingReceiptsDue() async throws {
        try await query("UPDATE callback_receipts SET next_attempt_at = now() - interval '1 second' WHERE outcome = 'waiting'")
    }

    /// How many rows a table holds.
    public func count(_ table: String) async throws -> Int {
        guard ["callback_receipts", "notification_history", "notifications", "complaints", "service_callback_outbox"].contains(table) else {
            throw TestSetupError("count: unknown table \(table)")
        }
        let result = try await query("SELECT count(*) AS n FROM \(table)")
        return result.value("n").flatMap { Int($0) } ?? -1
    }
}

/// The admin side: one migrated template per test process.
private actor Admin {
    private static let instance = AdminHolder()
    private let baseURL: String

    static func shared() async throws -> Admin { try await instance.admin() }

    init(baseURL: String) {
        self.baseURL = baseURL
    }

    nonisolated func url(forDatabase name: String) throws -> String {
        guard var components = URLComponents(string: baseURL), components.scheme?.hasPrefix("postgres") == true else {
            throw TestSetupError("CALLBACK_TEST_DATABASE_URL must be a postgresql:// URI for the tests")
        }
        components.path = "/" + name
        guard let url = components.string else { throw TestSetupError("cannot build a URL for database \(name)") }
        return url
    }

    /// Runs one statement on a connection of its own. No connection outlives the call: a worker thread left
    /// waiting would keep the test process from exiting.
    ///
    /// A few at a time, with a long statement timeout: every test creates its database as the run starts, and
    /// `CREATE DATABASE` copies the template through the WAL, so a few hundred at once each took over the usual
    /// 10 s, and failed tests that were not about the database at all.
    nonisolated func run(_ sql: String) async throws {
        try await Self.gate.whileHeld {
            let workers = DatabaseWorkers(configuration: DatabaseConfiguration(
                connectionString: baseURL, poolSize: 1, statementTimeout: 120))
            defer { workers.shutdown() }
            _ = try await workers.run { connection throws(DatabaseError) in try connection.execute(sql) }
        }
    }

    private static let gate = AsyncGate(width: 4)

    /// Creates the template database and migrates it, with the gateway's own migrator.
    func prepareTemplate() async throws {
        try await run(TestSQL.drop(TestSQL.templateName))
        try await run("CREATE DATABASE \(TestSQL.templateName)")
        let templateWorkers = DatabaseWorkers(configuration: DatabaseConfiguration(
            connectionString: try url(forDatabase: TestSQL.templateName), poolSize: 1))
        do {
            _ = try await Migrator(workers: templateWorkers).migrate()
        } catch {
            await templateWorkers.shutdownAndWait()
            throw error
        }
        await templateWorkers.shutdownAndWait()
    }
}

private actor AdminHolder {
    private var task: Task<Admin, any Error>?

    func admin() async throws -> Admin {
        if let task { return try await task.value }
        let task = Task {
            let admin = Admin(baseURL: try TestEnvironment.adminURL)
            try await admin.prepareTemplate()
            return admin
        }
        self.task = task
        return try await task.value
    }
}

/// The SQL the test support runs. Names are generated by the tests, never taken from input.
enum TestSQL {
    static let templateName = "cbgw_template_\(ProcessInfo.processInfo.processIdentifier)"

    static func createFromTemplate(_ name: String) -> String { "CREATE DATABASE \(name) TEMPLATE \(templateName)" }
    static func drop(_ name: String) -> String { "DROP DATABASE IF EXISTS \(name) WITH (FORCE)" }
}

/// Lets at most `width` callers run at once; the others wait their turn, in order.
private actor AsyncGate {
    private let width: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = width }

    nonisolated func whileHeld<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        do {
            let value = try await body()
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() async {
        if running < width {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        // The slot passes straight to the next waiter, so `running` stays the same.
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }
}
