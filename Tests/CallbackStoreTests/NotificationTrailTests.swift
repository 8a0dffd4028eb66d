import CallbackCore
import Foundation
import Testing
import TestSupport

@testable import CallbackStore

/// A notification looked up with its receipts: what the receipts API and the dashboard's look-up show.
@Suite("Notification trail")
struct NotificationTrailTests {
    @Test("by id: the notification as it stands and its receipts in order, each with the history row it wrote")
    func byID() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let id = try await database.insertNotification(status: .sending, sentBy: "firetext")
            _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "2", target: .pending))
            _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "zz", target: nil))
            _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered))
            _ = try await database.store.record(ReceiptFactory.incoming(for: .id(UUID()), rawStatus: "0", target: .delivered))

            let trail = try #require(try await database.store.notificationTrail(.id(id), scope: .everything, receiptLimit: 10))
            #expect(trail.notification.id == id)
            #expect(trail.notification.status == .delivered)
            #expect(trail.notification.updatedBy == "callback:firetext")
            #expect(trail.notification.sentBy == "firetext")
            #expect(trail.receipts.map(\.rawStatus) == ["2", "zz", "0"])
            #expect(trail.receipts.map(\.outcome) == [.applied, .unmapped, .applied])
            #expect(trail.receipts.map(\.statusWritten) == [.pending, nil, .delivered])
            #expect(trail.receipts.map(\.updatedBy) == ["callback:firetext", nil, "callback:firetext"])
            #expect(trail.receipts.allSatisfy { $0.provider == .firetext })

            let first = try #require(try await database.store.notificationTrail(.id(id), scope: .everything, receiptLimit: 1))
            #expect(first.receipts.map(\.rawStatus) == ["2"], "the limit keeps the earliest")
            #expect(try await database.store.notificationTrail(.id(UUID()), scope: .everything, receiptLimit: 10) == nil)
        }
    }

    @Test("by reference: the newest notification with it")
    func byReference() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let older = try await database.insertNotification(status: .delivered, type: "email", reference: "ses-ref-1")
            try await database.query("UPDATE notifications SET created_at = now() - interval '1 day' WHERE id = $1::uuid", [older.uuidString])
            let newer = try await database.insertNotification(status: .sending, type: "email", reference: "ses-ref-1")
            _ = try await database.store.record(ReceiptFactory.incoming(.ses, for: .reference("ses-ref-1"), rawStatus: "Delivery", target: .delivered))

            let trail = try #require(try await database.store.notificationTrail(.reference("ses-ref-1"), scope: .everything, receiptLimit: 10))
            #expect(trail.notification.id == newer)
            #expect(trail.notification.reference == "ses-ref-1")
            #expect(trail.receipts.map(\.outcome) == [.applied])
            #expect(try await database.store.notificationTrail(.reference("ses-ref-2"), scope: .everything, receiptLimit: 10) == nil)
        }
    }

    @Test("a service's scope finds only its own notifications of its own key type")
    func scope() async throws {
        try await TestDatabase.with(poolSize: 1) { database in
            let service = UUID(), other = UUID()
            let id = try await database.insertNotification(status: .sending)
            try await database.query(
                "UPDATE notifications SET service_id = $2::uuid, key_type = 'team' WHERE id = $1::uuid", [id.uuidString, service.uuidString]
            )
            for (scope, found) in [
                (NotificationScope.service(service, keyType: .team), true),
                (.service(service, keyType: .normal), false),
                (.service(service, keyType: .test), false),
                (.service(other, keyType: .team), false),
                (.everything, true),
            ] {
                let trail = try await database.store.notificationTrail(.id(id), scope: scope, receiptLimit: 10)
                #expect((trail != nil) == found, "\(scope)")
                #expect(trail.map { $0.notification.keyType == .team && $0.notification.serviceID == service } ?? true)
            }
        }
    }
}
