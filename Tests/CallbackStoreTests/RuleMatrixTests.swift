import CallbackCore
import CallbackStore
import Foundation
import Testing
import TestSupport

/// The database carries out the rules exactly as `TransitionRules` states them, for every target and every
/// current status: the rules are decided in one place and the SQL cannot drift from them.
@Suite("Rules in the database")
struct RuleMatrixTests {
    static let targets: [MappingTarget?] = MappingTarget.allCases.map { $0 } + [nil]
    static let currents: [NotificationStatus?] = NotificationStatus.allCases.map { $0 } + [nil]

    @Test("outcome, status and history match TransitionRules.decide", arguments: targets)
    func matrix(target: MappingTarget?) async throws {
        try await TestDatabase.with { database in
            for current in Self.currents {
                let id = UUID()
                if let current { try await database.insertNotification(id: id, status: current) }
                let recorded = try await database.store.record(
                    ReceiptFactory.incoming(for: .id(id), rawStatus: "x", target: target)
                )
                let decision = TransitionRules.decide(target: target, current: current)
                let label = "target \(target?.rawValue ?? "unmapped") from \(current?.rawValue ?? "no notification")"
                #expect(recorded.outcome == decision.outcome, "\(label)")
                #expect(recorded.statusWritten == decision.statusWritten, "\(label)")
                #expect(recorded.receiptID != nil, "\(label)")
                guard let current else { continue }
                let row = try #require(try await database.notification(id))
                let history = try await database.history(id)
                if let written = decision.statusWritten {
                    #expect(row.status == written, "\(label)")
                    #expect(row.version == 2, "\(label)")
                    #expect(row.updatedBy == "callback:firetext", "\(label)")
                    #expect(row.sentBy == "firetext", "\(label)")
                    #expect(row.hasUpdatedAt, "\(label)")
                    #expect(history.map(\.version) == [1, 2], "\(label)")
                    #expect(history.last?.status == written.rawValue, "\(label)")
                    #expect(recorded.historyVersion == 2, "\(label)")
                } else {
                    #expect(row.status == current, "\(label)")
                    #expect(row.version == 1, "\(label)")
                    #expect(history.map(\.version) == [1], "\(label)")
                }
            }
        }
    }

    @Test("sent_by is set only when it was empty")
    func sentByKept() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending, sentBy: "mmg")
            _ = try await database.store.record(ReceiptFactory.incoming(for: .id(id), rawStatus: "0", target: .delivered))
            #expect(try await database.notification(id)?.sentBy == "mmg")
        }
    }
}
