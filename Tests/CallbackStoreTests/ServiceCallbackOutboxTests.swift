import CallbackCore
@testable import CallbackStore
import Foundation
import Testing
import TestSupport

@Suite("Service callbacks' outbox: written with the change, taken in order, settled")
struct ServiceCallbackOutboxTests {
    static let service = UUID(uuidString: "7d0c8f3e-51a2-4a7e-9f57-0e0c2c5f6a11")!
    static let template = UUID(uuidString: "1b8a2f6e-7c3d-4e5f-8a9b-0c1d2e3f4a5b")!

    /// A notification of `service` in `status`, with the columns a callback's payload carries.
    static func notification(_ database: TestDatabase, _ status: NotificationStatus, service: UUID = service, type: String = "sms") async throws -> UUID {
        let id = try await database.insertNotification(status: status, type: type)
        try await database.query("""
            UPDATE notifications SET service_id = $2::uuid, client_reference = 'client-ref-1', "to" = '07700900123',
                   template_id = $3::uuid, template_version = 4
             WHERE id = $1::uuid
            """, [UUIDText.lowercase(id), UUIDText.lowercase(service), UUIDText.lowercase(template)])
        return id
    }

    static func register(_ database: TestDatabase, _ type: ServiceCallbackType, service: UUID = service) async throws {
        _ = try await PostgresServiceCallbacks(workers: database.workers)
            .set(service: service, type: type, url: "https://hooks.example.com/\(type.rawValue)", sealedToken: [1, 2, 3])
    }

    static func outbox(_ database: TestDatabase) -> PostgresServiceCallbackOutbox {
        PostgresServiceCallbackOutbox(workers: database.workers)
    }

    static func payloads(_ database: TestDatabase) async throws -> [[String: Any]] {
        try await database.query("SELECT payload FROM service_callback_outbox ORDER BY id").rows.map {
            try #require(JSONSerialization.jsonObject(with: Data(($0[0] ?? "").utf8)) as? [String: Any])
        }
    }

    @Test("a receipt that changes a status owes one delivery-status callback with Notify's payload; a duplicate owes none")
    func statusChange() async throws {
        try await TestDatabase.with { database in
            try await Self.register(database, .deliveryStatus)
            let id = try await Self.notification(database, .sending)
            let receipt = ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered, body: "status=0&reference=\(id)")
            #expect(try await database.store.record(receipt).outcome == .applied)
            #expect(try await database.store.record(receipt).outcome == .duplicate)

            let payloads = try await Self.payloads(database)
            try #require(payloads.count == 1)
            let payload = payloads[0]
            #expect(Set(payload.keys) == ["id", "reference", "to", "status", "created_at", "completed_at", "sent_at", "notification_type", "template_id", "template_version"])
            #expect(payload["id"] as? String == UUIDText.lowercase(id))
            #expect(payload["reference"] as? String == "client-ref-1")
            #expect(payload["to"] as? String == "07700900123")
            #expect(payload["status"] as? String == "delivered")
            #expect(payload["notification_type"] as? String == "sms")
            #expect(payload["template_id"] as? String == UUIDText.lowercase(Self.template))
            #expect(payload["template_version"] as? Int == 4)
            for field in ["created_at", "completed_at", "sent_at"] {
                let text = try #require(payload[field] as? String, "\(field)")
                #expect(text.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil, "\(field): \(text)")
            }
            let row = try await database.query("SELECT service_id, callback_type, state, attempts FROM service_callback_outbox")
            #expect(row.rows.first == [UUIDText.lowercase(Self.service), "delivery-status", "pending", "0"])
        }
    }

    @Test("no callback is owed without a registration of that type, for another service, or when nothing changed")
    func nothingOwed() async throws {
        try await TestDatabase.with { database in
            try await Self.register(database, .complaint)
            try await Self.register(database, .deliveryStatus, service: UUID())
            let unregistered = try await Self.notification(database, .sending)
            _ = try await database.store.record(ReceiptFactory.incoming(for: .id(unregistered), rawStatus: "0", target: .delivered))
            try await Self.register(database, .deliveryStatus)
            let final = try await Self.notification(database, .delivered)
            #expect(try await database.store.record(ReceiptFactory.incoming(for: .id(final), rawStatus: "1", target: .permanentFailure)).outcome != .applied)
            #expect(try await database.count("service_callback_outbox") == 0)
        }
    }

    @Test("a receipt whose statement fails owes nothing: the outbox row rolls back with the change")
    func rolledBack() async throws {
        try await TestDatabase.with { database in
            try await Self.register(database, .deliveryStatus)
            let id = try await Self.notification(database, .sending)
            // A history row already at the version the change would write makes the statement fail after the
            // outbox row was inserted.
            try await database.query("""
                INSERT INTO notification_history (id, notification_type, key_type, status, billable_units, created_at, version)
                VALUES ($1::uuid, 'sms', 'normal', 'sending', 0, now(), 2)
                """, [UUIDText.lowercase(id)])
            await #expect(throws: DatabaseError.self) {
                _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered))
            }
            #expect(try await database.notification(id)?.status == .sending)
            #expect(try await database.count("service_callback_outbox") == 0)
        }
    }

    @Test("a complaint owes a complaint callback (and no status callback: the status does not change)")
    func complaint() async throws {
        try await TestDatabase.with { database in
            try await Self.register(database, .complaint)
            try await Self.register(database, .deliveryStatus)
            let id = try await Self.notification(database, .delivered, type: "email")
            let details = ComplaintDetails(feedbackID: "feedback-1", complaintType: "abuse", complainedAt: Date(timeIntervalSince1970: 1_780_000_000))
            let receipt = ReceiptFactory.incoming(.ses, for: .id(id), rawStatus: "Complaint", target: .complaint, complaint: details)
            #expect(try await database.store.record(receipt).outcome == .complaint)

            let rows = try await database.query("SELECT callback_type FROM service_callback_outbox").rows
            #expect(rows == [["complaint"]])
            let payload = try #require(try await Self.payloads(database).first)
            let complaintID = try await database.query("SELECT id FROM complaints").rows.first?[0]
            #expect(payload["notification_id"] as? String == UUIDText.lowercase(id))
            #expect(payload["complaint_id"] as? String == complaintID)
            #expect(payload["reference"] as? String == "client-ref-1")
            #expect(payload["to"] as? String == "07700900123")
            #expect(payload["complaint_date"] as? String == "2026-05-28T20:26:40.000000Z")
        }
    }

    @Test("the timeout job's statuses owe callbacks too")
    func timeout() async throws {
        try await TestDatabase.with { database in
            try await Self.register(database, .deliveryStatus)
            let id = try await Self.notification(database, .pending)
            try await database.query("UPDATE notifications SET sent_at = now() - interval '4 days' WHERE id = $1::uuid", [UUIDText.lowercase(id)])
            let timeout = NotificationTimeout(cutoff: Date().addingTimeInterval(-72 * 3600), batchSize: 100)
            _ = try await database.workers.run { connection throws(DatabaseError) in try timeout.apply(on: connection) }
            let payload = try #require(try await Self.payloads(database).first)
            #expect(payload["status"] as? String == "temporary-failure")
        }
    }

    @Test("a notification's later callback is taken only once its earlier one is sent or given up; a lease hides a taken one")
    func order() async throws {
        try await TestDatabase.with { database in
            try await Self.register(database, .deliveryStatus)
            let id = try await Self.notification(database, .sending)
            let other = try await Self.notification(database, .sending)
            _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "pending", target: .pending))
            _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered))
            _ = try await database.store.record(ReceiptFactory.incoming(for: .id(other), rawStatus: "0", target: .delivered))
            let outbox = Self.outbox(database)

            let first = try await outbox.claim(limit: 10, lease: 60)
            #expect(first.map { ($0.notificationID, $0.payloadStatus) }.elementsEqual([(id, "pending"), (other, "delivered")], by: ==))
            #expect(first.allSatisfy { $0.attempts == 1 && $0.url != nil && $0.sealedToken == [1, 2, 3] })
            #expect(try await outbox.claim(limit: 10, lease: 60).isEmpty, "taken rows are leased, and the later one waits")

            try await outbox.settle(first[0].id, .retry(after: 0, status: 500, reason: "HTTP 500"))
            let again = try await outbox.claim(limit: 10, lease: 60)
            #expect(again.map(\.id) == [first[0].id], "the retry comes first; the later one still waits")
            #expect(again.first?.attempts == 2)
            #expect(again.first?.idempotencyKey == first[0].idempotencyKey)

            try await outbox.settle(first[0].id, .sent(status: 200))
            #expect(try await database.query("SELECT id FROM service_callback_outbox WHERE id = $1::bigint", [String(first[0].id)]).rows.isEmpty,
                    "a sent callback owes nothing more: its row is deleted")
            let next = try await outbox.claim(limit: 10, lease: 60)
            #expect(next.map(\.payloadStatus) == ["delivered"])
            #expect(next.first?.notificationID == id)
        }
    }

    @Test("a postponed attempt is not counted; failed and dead are kept, counted, listed and re-driven")
    func settleAndRedrive() async throws {
        try await TestDatabase.with { database in
            try await Self.register(database, .deliveryStatus)
            for _ in 0..<3 {
                let id = try await Self.notification(database, .sending)
                _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered))
            }
            let outbox = Self.outbox(database)
            let taken = try await outbox.claim(limit: 10, lease: 60)
            try #require(taken.count == 3)
            // In one statement, as the dispatcher settles under load; a reason with quotes and a backslash.
            try await outbox.settle([
                taken[0].id: .postponed(after: 0),
                taken[1].id: .failed(status: 400, reason: "HTTP 400"),
                taken[2].id: .dead(status: nil, reason: #"connection refused by "hooks\example""#),
            ])
            #expect(try await outbox.counts() == OutboxCounts(pending: 1, failed: 1, dead: 1))
            #expect(try await outbox.claim(limit: 10, lease: 60).map(\.attempts) == [1], "the postponed attempt was not counted")

            let dead = try await outbox.list(state: .dead, service: Self.service, limit: 10)
            #expect(dead.map(\.id) == [taken[2].id])
            #expect(dead.first?.lastError == #"connection refused by "hooks\example""#)
            #expect(try await outbox.list(state: .failed, service: UUID(), limit: 10).isEmpty)

            #expect(try await outbox.redrive(state: .dead, service: Self.service) == 1)
            let redriven = try await outbox.claim(limit: 10, lease: 60)
            #expect(redriven.map(\.id) == [taken[2].id])
            #expect(redriven.first?.attempts == 1)
            #expect(redriven.first?.idempotencyKey == taken[2].idempotencyKey)
        }
    }

    @Test("retention deletes old callbacks that were given up, never pending ones")
    func retention() async throws {
        try await TestDatabase.with { database in
            try await Self.register(database, .deliveryStatus)
            for _ in 0..<2 {
                let id = try await Self.notification(database, .sending)
                _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered))
            }
            let outbox = Self.outbox(database)
            let taken = try await outbox.claim(limit: 1, lease: 60)
            try await outbox.settle(taken[0].id, .dead(status: 503, reason: "HTTP 503"))
            try await database.query("UPDATE service_callback_outbox SET created_at = now() - interval '30 days'")
            let retention = ReceiptRetention(cutoff: RetentionCutoff(today: CivilDate(utcOf: Date()), keepingDays: 7), batchSize: 10)
            let result = try await database.workers.run { connection throws(DatabaseError) in try retention.apply(on: connection) }
            #expect(result.serviceCallbacks == 1)
            #expect(try await database.query("SELECT state FROM service_callback_outbox").rows == [["pending"]])
        }
    }
}

extension OutboxCallback {
    /// The status its payload carries.
    var payloadStatus: String? {
        (try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])?["status"] as? String
    }
}
