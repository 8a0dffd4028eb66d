import CallbackCore
import CallbackStore
import Testing
import TestSupport

@Suite("Migrations")
struct MigrationTests {
    @Test("migrating again applies nothing and records every version once")
    func idempotent() async throws {
        try await TestDatabase.with { database in
            // The template was migrated already; a second run must find nothing to do.
            let again = try await Migrator(workers: database.workers).migrate()
            #expect(again.isEmpty)
            let versions = try await Migrator(workers: database.workers).appliedVersions()
            #expect(versions == Schema.migrations.map(\.version))
            // The partitions of callback_receipts are its own business (version 15), not tables of the schema.
            let tables = try await database.query("""
                SELECT string_agg(relname, ',' ORDER BY relname) AS names FROM pg_class
                 WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition
                """)
            #expect(tables.value("names") == "api_keys,callback_receipt_keys,callback_receipts,callback_receipts_waiting,complaints,job_runs,notification_history,notifications,schema_migrations,service_callback_outbox,service_callbacks,webhook_tokens")
        }
    }

    @Test("the check constraints refuse what they always refused, and are stored as finished arrays", arguments: [
        "INSERT INTO notifications (id, notification_type, status) VALUES (gen_random_uuid(), 'sms', 'bogus')",
        "INSERT INTO notifications (id, notification_type) VALUES (gen_random_uuid(), 'fax')",
        "INSERT INTO notifications (id, notification_type, key_type) VALUES (gen_random_uuid(), 'sms', 'live')",
        "UPDATE notifications SET status = 'Delivered'",
        """
        INSERT INTO callback_receipts (provider, raw_body, raw_status, outcome, dedupe_key)
        VALUES ('firetext', 'b', '0', 'lost', '\\x01')
        """,
    ])
    func checkConstraints(statement: String) async throws {
        try await TestDatabase.with { database in
            try await database.insertNotification(status: .sending)
            let error = await #expect(throws: DatabaseError.self, "\(statement)") { try await database.query(statement) }
            guard case .statementFailed(let sqlState, _)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(sqlState == "23514", "refused for another reason: \(String(describing: error))")
            let listed = try await database.query("""
                SELECT count(*) FILTER (WHERE conbin::text LIKE '%ARRAYEXPR%') AS built, count(*) AS checks FROM pg_constraint
                 WHERE contype = 'c' AND conrelid IN ('notifications'::regclass, 'callback_receipts'::regclass)
                """)
            #expect(listed.value("checks") == "4")
            #expect(listed.value("built") == "0", "a check constraint still builds its array for every write")
        }
    }

    @Test("replicas migrating at once all succeed and the schema is migrated once")
    func concurrentReplicas() async throws {
        try await TestDatabase.with { database in
            try await database.query("DROP TABLE notifications, notification_history, callback_receipts, complaints, schema_migrations")
            let runs = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await Migrator(workers: database.workers).migrate().count }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(runs.sorted() == [0, 0, 0, Schema.migrations.count])
            let recorded = try await database.query("SELECT count(*) AS n FROM schema_migrations")
            #expect(recorded.value("n") == String(Schema.migrations.count))
        }
    }
}
