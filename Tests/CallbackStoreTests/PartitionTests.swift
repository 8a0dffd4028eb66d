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

    /// Stores a receipt as the gateway would: a waiting one has its next attempt set.
    static func insert(_ database: TestDatabase, body: String, outcome: ReceiptOutcome = .applied, at instant: Date) async throws {
        try await database.query("""
            INSERT INTO callback_receipts (provider, received_at, raw_body, raw_status, outcome, next_attempt_at, dedupe_key)
            VALUES ('firetext', to_timestamp($2::float8), $1::text, '0', $3::text,
                    CASE WHEN $3::text = 'waiting' THEN now() END, sha256(convert_to($1::text, 'UTF8')))
            """, [body, String(instant.timeIntervalSince1970), outcome.rawValue])
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
            for index in 0..<3 { try await Self.insert(database, body: "old-\(index)", at: old.start.addingTimeInterval(Double(index) * 3600)) }
            try await Self.insert(database, body: "old-waiting", outcome: .waiting, at: old.start.addingTimeInterval(86_399))
            try await Self.insert(database, body: "stray", at: old.adding(days: -30).start)
            try await Self.insert(database, body: "first-kept", at: kept.start)
            let waitingBefore = try await Self.placement(database, body: "old-waiting")

            let retention = ReceiptRetention(cutoff: RetentionCutoff(today: Self.today, keepingDays: 7), batchSize: 2)
            let result = try await database.workers.run { connection throws(DatabaseError) in try retention.apply(on: connection) }

            #expect(result.receipts == 4, "three from the dropped day, one stray from the DEFAULT partition")
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

    @Test("a key checked while another transaction stores it waits for that one and then sees its receipt")
    func checkWaitsForTheFirst() async throws {
        try await TestDatabase.with(poolSize: 2) { database in
            let key = "\\x" + String(repeating: "ab", count: 32)
            async let first: Bool = database.workers.run { connection throws(DatabaseError) in
                try connection.transaction { () throws(DatabaseError) -> Bool in
                    let seen = try connection.execute("SELECT callback_receipt_seen('\(key)'::bytea) AS seen").value("seen") == "t"
                    _ = try connection.execute("""
                        INSERT INTO callback_receipts (provider, raw_body, raw_status, outcome, dedupe_key)
                        VALUES ('firetext', 'racing', '0', 'applied', '\(key)'::bytea)
                        """)
                    Thread.sleep(forTimeInterval: 0.6)
                    return seen
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            let second = try await database.query("SELECT callback_receipt_seen('\(key)'::bytea) AS seen").value("seen")
            let waited = ContinuousClock.now - started
            #expect(try await first == false)
            #expect(second == "t", "the second check saw the first transaction's receipt once it committed")
            #expect(waited > .milliseconds(200), "the second check waited for the first transaction")
        }
    }

    @Test("a resend's check reads the key index of every partition")
    func keyLookupPlan() async throws {
        try await TestDatabase.with { database in
            let plan = try await database.query("EXPLAIN SELECT 1 FROM callback_receipts WHERE dedupe_key = '\\x00'::bytea")
            let lines = plan.rows.compactMap { $0.first ?? nil }
            #expect(lines.filter { $0.contains("callback_receipts_dedupe_idx_") }.count == 4, "one per partition: \(lines)")
            #expect(!lines.contains { $0.contains("Seq Scan") }, "\(lines)")
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
            try await database.query("DROP TABLE callback_receipts")
            try await database.query("DELETE FROM schema_migrations WHERE version >= 2")
            _ = try await Migrator(workers: database.workers, migrations: Schema.migrations.filter { $0.version < 15 }).migrate()
            for day in 0..<5 {
                try await Self.insert(database, body: "day-\(day)", outcome: day == 0 ? .waiting : .applied,
                                      at: Self.today.adding(days: day - 4).start.addingTimeInterval(600))
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
            let seen = try await database.query("SELECT callback_receipt_seen(sha256(convert_to('day-2', 'UTF8'))) AS seen")
            #expect(seen.value("seen") == "t")

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
