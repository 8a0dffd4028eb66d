import CallbackCore
@testable import CallbackStore
import Foundation
import Testing
import TestSupport

/// `callback_receipts` partitioned by UTC day (migration 15): days added ahead, dropped whole by retention without
/// losing a waiting receipt, a resend found in any partition, and an unpartitioned table converted without losing
/// a receipt.
@Suite("Receipts partitioned by day")
struct PartitionTests {
    static let today = CivilDate(utcOf: Date())

    static func partitions(_ database: TestDatabase) async throws -> [String] {
        try await database.workers.run { connection throws(DatabaseError) in try ReceiptPartitions.list(on: connection).map(\.name) }
    }

    /// The partition a receipt is stored in and its id, by raw body.
    static func placement(_ database: TestDatabase, body: String) async throws -> (partition: String?, id: String?) {
        let row = try await database.query("SELECT tableoid::regclass::text AS part, id FROM callback_receipts WHERE raw_body = $1::text", [body])
        return (row.value("part"), row.value("id"))
    }

    /// Stores a receipt and its key as the gateway would (as it did before version 15: no key): a waiting one has
    /// its next attempt set.
    static func insert(_ database: TestDatabase, body: String, outcome: ReceiptOutcome = .applied, at instant: Date, keyed: Bool = true) async throws {
        let key = keyed ? "INSERT INTO callback_receipt_keys (dedupe_key, received_at) SELECT dedupe_key, received_at FROM receipt" : "SELECT 1"
        try await database.query("""
            WITH receipt AS (
                INSERT INTO callback_receipts (provider, received_at, raw_body, raw_status, outcome, next_attempt_at, dedupe_key)
                VALUES ('firetext', to_timestamp($2::float8), $1::text, '0', $3::text,
                        CASE WHEN $3::text = 'waiting' THEN now() END, sha256(convert_to($1::text, 'UTF8')))
                RETURNING dedupe_key, received_at
            )
            \(key)
            """, [body, String(instant.timeIntervalSince1970), outcome.rawValue])
    }

    /// Whether the key of this raw body is stored.
    static func keyStored(_ database: TestDatabase, body: String) async throws -> Bool {
        try await database.query(
            "SELECT count(*) AS n FROM callback_receipt_keys WHERE dedupe_key = sha256(convert_to($1::text, 'UTF8'))", [body]
        ).value("n") == "1"
    }

    /// The ids in the table of waiting receipts, in order.
    static func waitingIDs(_ database: TestDatabase) async throws -> String? {
        try await database.query("SELECT string_agg(receipt_id::text, ',' ORDER BY receipt_id) AS ids FROM callback_receipts_waiting").value("ids")
    }

    static func suffix(_ day: CivilDate) -> String { day.description.replacingOccurrences(of: "-", with: "") }

    @Test("a new database has today's partition, the next two days' and a DEFAULT one; a receipt lands in today's")
    func newDatabase() async throws {
        try await TestDatabase.with { database in
            let names = try await Self.partitions(database)
            let days = (0...2).map { "callback_receipts_" + Self.suffix(Self.today.adding(days: $0)) }
            #expect(names == ["callback_receipts_default"] + days)
            try await Self.insert(database, body: "now", at: Date())
            #expect(try await Self.placement(database, body: "now").partition == days[0])
        }
    }

    @Test("days are added ahead once; receipts the DEFAULT partition took for a day move into its partition")
    func addAhead() async throws {
        try await TestDatabase.with { database in
            let later = Self.today.adding(days: 5)
            try await Self.insert(database, body: "early", at: later.start.addingTimeInterval(3600))
            #expect(try await Self.placement(database, body: "early").partition == "callback_receipts_default")
            let before = try await Self.placement(database, body: "early").id

            let added = try await database.workers.run { connection throws(DatabaseError) in
                try ReceiptPartitions.addDays(from: Self.today.adding(days: 2), ahead: 4, on: connection)
            }
            #expect(added == 4, "days 3 to 6 after today were missing")
            let moved = try await Self.placement(database, body: "early")
            #expect(moved.partition == "callback_receipts_" + Self.suffix(later))
            #expect(moved.id == before, "a moved receipt keeps its id")
            let again = try await database.workers.run { connection throws(DatabaseError) in
                try ReceiptPartitions.addDays(from: Self.today, ahead: 6, on: connection)
            }
            #expect(again == 0)
        }
    }

    @Test("retention drops a day wholly before the cutoff, keeps its waiting receipt (id and time) and deletes the rest in batches")
    func dropDays() async throws {
        try await TestDatabase.with { database in
            let old = Self.today.adding(days: -10)
            let kept = Self.today.adding(days: -7)
            for day in [old, kept] {
                _ = try await database.query("SELECT callback_receipts_add_day($1::date)", [day.description])
            }
            // More old receipts than the keys' statement takes at once (five times the batch of 2), so that the
            // keys go in several statements too.
            let oldBodies = (0..<23).map { "old-\($0)" }
            for (index, body) in oldBodies.enumerated() {
                try await Self.insert(database, body: body, at: old.start.addingTimeInterval(Double(index) * 3600))
            }
            try await Self.insert(database, body: "old-waiting", outcome: .waiting, at: old.start.addingTimeInterval(86_399))
            try await Self.insert(database, body: "stray", at: old.adding(days: -30).start)
            try await Self.insert(database, body: "first-kept", at: kept.start)
            let waitingBefore = try await Self.placement(database, body: "old-waiting")

            let retention = ReceiptRetention(cutoff: RetentionCutoff(today: Self.today, keepingDays: 7), batchSize: 2)
            let result = try await database.workers.run { connection throws(DatabaseError) in try retention.apply(on: connection) }

            #expect(result.receipts == 24, "23 from the dropped day, one stray from the DEFAULT partition")
            let names = try await Self.partitions(database)
            #expect(!names.contains("callback_receipts_" + Self.suffix(old)))
            #expect(names.contains("callback_receipts_" + Self.suffix(kept)))
            let waiting = try await Self.placement(database, body: "old-waiting")
            #expect(waiting.partition == "callback_receipts_default")
            #expect(waiting.id == waitingBefore.id)
            let time = try await database.query("SELECT extract(epoch FROM received_at)::bigint AS t FROM callback_receipts WHERE raw_body = 'old-waiting'")
            #expect(time.value("t") == String(Int(old.start.timeIntervalSince1970) + 86_399))
            #expect(try await Self.placement(database, body: "first-kept").partition == "callback_receipts_" + Self.suffix(kept))
            #expect(try await database.count("callback_receipts") == 2)
            #expect(try await Self.waitingIDs(database) == waitingBefore.id, "the moved receipt still waits, under its id")
            #expect(try await Self.keyStored(database, body: "old-waiting"), "a kept receipt keeps its key")
            #expect(try await Self.keyStored(database, body: "first-kept"))
            for body in oldBodies + ["stray"] {
                #expect(try await !Self.keyStored(database, body: body), "\(body)'s key went with it")
            }
        }
    }

    @Test("the table of waiting receipts follows every receipt that starts, stops or goes on waiting")
    func waitingTable() async throws {
        try await TestDatabase.with { database in
            try await Self.insert(database, body: "a", outcome: .waiting, at: Date())
            try await Self.insert(database, body: "b", outcome: .waiting, at: Date())
            try await Self.insert(database, body: "c", at: Date())
            let a = try #require(try await Self.placement(database, body: "a").id)
            let b = try #require(try await Self.placement(database, body: "b").id)
            #expect(try await Self.waitingIDs(database) == "\(a),\(b)")

            let notification = UUID().uuidString.lowercased()
            try await database.query("UPDATE callback_receipts SET notification_id = $1::uuid WHERE raw_body = 'a'", [notification])
            let found = try await database.query("SELECT receipt_id FROM callback_receipts_waiting WHERE notification_id = $1::uuid", [notification])
            #expect(found.value("receipt_id") == a, "a waiting receipt's notification, once known, is found")

            try await database.query("UPDATE callback_receipts SET outcome = 'applied' WHERE raw_body = 'a'")
            try await database.query("UPDATE callback_receipts SET outcome = 'waiting' WHERE raw_body = 'c'")
            let c = try #require(try await Self.placement(database, body: "c").id)
            #expect(try await Self.waitingIDs(database) == "\(b),\(c)")
            try await database.query("DELETE FROM callback_receipts WHERE raw_body = 'b'")
            #expect(try await Self.waitingIDs(database) == c)
        }
    }

    @Test("an identical body is a duplicate when the first is stored in another partition (yesterday, before midnight)")
    func resendAcrossPartitions() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending)
            let receipt = ReceiptFactory.incoming(for: .id(id), rawStatus: "2", target: .pending, body: "status=2&reference=\(id)")
            let first = try await database.store.record(receipt)
            #expect(first.outcome == .applied)
            let yesterday = Self.today.adding(days: -1)
            _ = try await database.query("SELECT callback_receipts_add_day($1::date)", [yesterday.description])
            // The row moves to yesterday's partition, as if received at 23:59:59 there.
            _ = try await database.query(
                "UPDATE callback_receipts SET received_at = to_timestamp($1::float8)",
                [String(Self.today.start.timeIntervalSince1970 - 1)]
            )
            #expect(try await Self.placement(database, body: "status=2&reference=\(id)").partition == "callback_receipts_" + Self.suffix(yesterday))
            let second = try await database.store.record(receipt)
            #expect(second.outcome == .duplicate)
            #expect(try await database.count("callback_receipts") == 1)
        }
    }

    @Test("a body stored while another transaction stores the same one waits for that one and is then a duplicate")
    func resendWaitsForTheFirst() async throws {
        try await TestDatabase.with(poolSize: 2) { database in
            let id = try await database.insertNotification(status: .sending)
            let body = "status=2&reference=\(id)"
            let receipt = ReceiptFactory.incoming(for: .id(id), rawStatus: "2", target: .pending, body: body)
            async let first: Void = database.workers.run { connection throws(DatabaseError) in
                try connection.transaction { () throws(DatabaseError) in
                    _ = try connection.execute("""
                        INSERT INTO callback_receipt_keys (dedupe_key, received_at)
                        VALUES (sha256(convert_to('firetext' || E'\\n' || '\(body)', 'UTF8')), now())
                        """)
                    Thread.sleep(forTimeInterval: 0.6)
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            let second = try await database.store.record(receipt)
            let waited = ContinuousClock.now - started
            try await first
            #expect(second.outcome == .duplicate, "the second saw the first transaction's key once it committed")
            #expect(waited > .milliseconds(200), "the second waited for the first transaction")
            #expect(try await database.count("callback_receipts") == 0)
        }
    }

    @Test("a new receipt's statement reads no partition of the receipts: keys and waiting receipts have tables of their own")
    func hotPathReadsNoPartition() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            for (statement, count) in ReceiptPlanTests.statements where !statement.name.contains("retry") {
                let reads = try await ReceiptPlanTests.genericPlanReads(statement, parameterCount: count, in: database)
                #expect(reads.contains { $0.relation == "callback_receipts_waiting" }, "\(statement.name): \(reads.map(\.relation))")
                let partitions = reads.map(\.relation).filter { name in name.hasPrefix("callback_receipts") && name != "callback_receipts_waiting" }
                #expect(partitions.isEmpty, "\(statement.name) reads \(partitions)")
            }
        }
    }

    /// Each day's partition is read through one of its own indexes, with the range as the index condition. Which
    /// one is the planner's choice: the `received_at` index alone (index-only) once the visibility map says the day's
    /// pages are all visible, as it does for a day vacuumed after its receipts stopped coming; while other
    /// transactions keep them from being so (the tests run in parallel), reading the primary key `(id, received_at)`
    /// costs as much.
    @Test("the statistics query reads only the days asked for, each through an index of its own partition")
    func statsPerPartition() async throws {
        try await TestDatabase.with { database in
            let days = (1...3).map { Self.today.adding(days: -$0) }
            for day in days {
                _ = try await database.query("SELECT callback_receipts_add_day($1::date)", [day.description])
                // A thousand a day: with a handful, reading the primary key (id, received_at) whole and each row
                // costs as little, and the planner may take either.
                try await database.query("""
                    INSERT INTO callback_receipts (provider, received_at, raw_body, raw_status, outcome, dedupe_key)
                    SELECT 'firetext', to_timestamp($1::float8 + i * 60), 'status=0', '0', 'applied',
                           sha256(convert_to($1::text || '-' || i, 'UTF8'))
                      FROM generate_series(0, 999) AS i
                    """, [String(day.start.timeIntervalSince1970)])
            }
            let sql = PostgresReceiptStore.Statements.dailyCounts.sql
                .replacingOccurrences(of: "$1::float8", with: String(days[2].start.timeIntervalSince1970))
                .replacingOccurrences(of: "$2::float8", with: String(Self.today.start.timeIntervalSince1970))
            let plan = try await database.workers.run { connection throws(DatabaseError) -> [String] in
                try connection.execute("VACUUM ANALYZE callback_receipts")
                // Tables this small are cheaper to read whole; with that out of the way, the plan shows whether an
                // index can answer the query at all.
                try connection.execute("SET enable_seqscan = off")
                defer { _ = try? connection.execute("RESET enable_seqscan") }
                return try connection.execute("EXPLAIN " + sql).rows.compactMap { $0.first ?? nil }
            }
            #expect(!plan.contains { $0.contains("Seq Scan") }, "\(plan)")
            for day in days.map(Self.suffix) {
                #expect(plan.contains { $0.contains("Index") && $0.contains("Scan") && $0.contains("_\(day)") }, "\(day): \(plan)")
            }
            let read = Set(plan.compactMap { line in
                line.range(of: #"callback_receipts_(\d{8}|default|legacy)\b"#, options: .regularExpression).map { String(line[$0]) }
            })
            #expect(read.count == 3, "only the three days' partitions are read: \(plan)")
        }
    }

    @Test("an unpartitioned table is converted without losing a receipt: ids kept and continued, old days in one legacy partition")
    func conversion() async throws {
        try await TestDatabase.with { database in
            // The schema as it was before version 15, with receipts in it.
            try await database.query("DROP TABLE callback_receipts, callback_receipt_keys, callback_receipts_waiting")
            try await database.query("DROP FUNCTION callback_receipts_track_waiting()")
            try await database.query("DELETE FROM schema_migrations WHERE version >= 2")
            _ = try await Migrator(workers: database.workers, migrations: Schema.migrations.filter { $0.version < 15 }).migrate()
            for day in 0..<5 {
                try await Self.insert(database, body: "day-\(day)", outcome: day == 0 ? .waiting : .applied,
                                      at: Self.today.adding(days: day - 4).start.addingTimeInterval(600), keyed: false)
            }
            let before = try await database.query("SELECT string_agg(id::text || ':' || raw_body, ',' ORDER BY id) AS rows, max(id) AS last FROM callback_receipts")
            // A run that failed after its online steps left a bound an hour away: it is made again, not kept.
            try await database.query("""
                DO $$
                BEGIN
                    EXECUTE format('ALTER TABLE callback_receipts ADD CONSTRAINT callback_receipts_legacy_range '
                                   'CHECK (received_at < %L) NOT VALID', now() + interval '1 hour');
                    EXECUTE format('COMMENT ON CONSTRAINT callback_receipts_legacy_range ON callback_receipts IS %L',
                                   now() + interval '1 hour');
                END $$
                """)

            let applied = try await Migrator(workers: database.workers).migrate()
            #expect(applied.map(\.version) == Schema.migrations.filter { $0.version >= 15 }.map(\.version))

            let after = try await database.query("SELECT string_agg(id::text || ':' || raw_body, ',' ORDER BY id) AS rows FROM callback_receipts")
            #expect(after.value("rows") == before.value("rows"))
            let listed = try await database.workers.run { connection throws(DatabaseError) in try ReceiptPartitions.list(on: connection) }
            let legacy = try #require(listed.first { $0.name == "callback_receipts_legacy" })
            #expect(legacy.from == nil)
            #expect(legacy.to == Self.today.adding(days: 2).description)
            #expect(try await Self.placement(database, body: "day-4").partition == "callback_receipts_legacy")
            #expect(listed.map(\.name).contains("callback_receipts_" + Self.suffix(Self.today.adding(days: 2))))

            // New receipts continue the ids; an old body is still a duplicate.
            try await Self.insert(database, body: "new", at: Date())
            let newID = try #require(Int(try await Self.placement(database, body: "new").id ?? ""))
            #expect(newID > Int(before.value("last") ?? "") ?? .max)
            for day in 0..<5 { #expect(try await Self.keyStored(database, body: "day-\(day)"), "day-\(day)'s key was copied") }
            let waiting = try await database.query("SELECT count(*) AS n FROM callback_receipts_waiting WHERE receipt_id = $1::bigint",
                                                   [try await Self.placement(database, body: "day-0").id])
            #expect(waiting.value("n") == "1", "the waiting receipt is in the table of waiting receipts")

            // Once retention keeps none of its days, the legacy partition goes whole; its waiting receipt stays.
            let cutoff = RetentionCutoff(today: Self.today.adding(days: 9), keepingDays: 7)
            let removed = try await database.workers.run { connection throws(DatabaseError) in
                try ReceiptPartitions.drop(before: cutoff, on: connection)
            }
            #expect(removed == 4 + 1, "four applied receipts of the old days and the new one of today")
            #expect(try await Self.placement(database, body: "day-0").partition == "callback_receipts_default")
        }
    }
}
