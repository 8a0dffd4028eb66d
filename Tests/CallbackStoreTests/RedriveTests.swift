import CallbackCore
import CallbackStore
import Foundation
import Synchronization
import Testing
import TestSupport

@Suite("Re-driving stored receipts")
struct RedriveTests {
    /// Reads stored test bodies as MMG-like receipts mapped by a table that now knows status 99.
    static let interpret: @Sendable (StoredReceipt) -> MappedReceipt? = { stored in
        let parts = stored.rawBody.split(separator: "|").map(String.init)
        guard parts.count >= 2, let id = UUID(uuidString: parts[0]) else { return nil }
        let target: MappingTarget? = parts[1] == "99" ? .delivered : nil
        let receipt = ProviderReceipt(provider: stored.provider, lookup: .id(id), rawStatus: parts[1])
        return MappedReceipt(receipt: receipt, mapping: MappingResult(target: target))
    }

    static func unmapped(_ provider: Provider, _ id: UUID, nonce: Int) -> IncomingReceipt {
        IncomingReceipt(
            mapped: MappedReceipt(receipt: ProviderReceipt(provider: provider, lookup: .id(id), rawStatus: "99"), mapping: MappingResult(target: nil)),
            rawBody: "\(id)|99|\(nonce)", contentType: nil
        )
    }

    /// Re-drives and collects every batch, as the tests want to see each receipt.
    static func redriveAll(
        _ store: PostgresReceiptStore, _ selection: RedriveSelection, batchSize: Int,
        interpret: @escaping @Sendable (StoredReceipt) -> MappedReceipt? = RedriveTests.interpret
    ) async throws -> [RetriedReceipt] {
        let collected = Mutex<[RetriedReceipt]>([])
        let total = try await store.redrive(selection, batchSize: batchSize, schedule: .standard, interpret: interpret) { batch in
            collected.withLock { $0 += batch }
        }
        let all = collected.withLock { $0 }
        #expect(total == all.count)
        return all
    }

    @Test("only the chosen outcome, provider and period are re-driven, page by page, each once")
    func selection() async throws {
        try await TestDatabase.with { database in
            var mmg: [UUID] = []
            for nonce in 0..<7 {
                let id = try await database.insertNotification(status: .sending)
                mmg.append(id)
                _ = try await database.store.record(Self.unmapped(.mmg, id, nonce: nonce))
            }
            let firetext = try await database.insertNotification(status: .sending)
            _ = try await database.store.record(Self.unmapped(.firetext, firetext, nonce: 99))
            // One old mmg receipt falls outside --since.
            try await database.query("UPDATE callback_receipts SET received_at = now() - interval '2 days' WHERE raw_body = $1::text", ["\(mmg[0])|99|0"])

            let since = Date().addingTimeInterval(-3600)
            let redriven = try await Self.redriveAll(database.store, RedriveSelection(outcome: .unmapped, provider: .mmg, since: since), batchSize: 2)
            #expect(redriven.count == 6)
            #expect(Set(redriven.map(\.stored.id)).count == 6)
            #expect(redriven.allSatisfy { $0.result.outcome == .applied && $0.result.statusWritten == .delivered })
            for id in mmg.dropFirst() { #expect(try await database.notification(id)?.status == .delivered) }
            #expect(try await database.notification(mmg[0])?.status == .sending)
            #expect(try await database.notification(firetext)?.status == .sending)
            #expect(try await database.receiptOutcomes(firetext) == ["unmapped"])

            // Still-unknown statuses keep their outcome and are not taken twice within one run.
            let again = try await Self.redriveAll(database.store, RedriveSelection(outcome: .unmapped), batchSize: 1) { stored in
                Self.interpret(stored).map { MappedReceipt(receipt: $0.receipt, mapping: MappingResult(target: nil)) }
            }
            #expect(again.count == 2)
            #expect(again.allSatisfy { $0.result.outcome == .unmapped })
        }
    }

    @Test("orphaned receipts can be re-driven once their notification exists")
    func orphaned() async throws {
        try await TestDatabase.with { database in
            let id = UUID()
            let receipt = IncomingReceipt(
                mapped: MappedReceipt(receipt: ProviderReceipt(provider: .mmg, lookup: .id(id), rawStatus: "99"), mapping: MappingResult(target: .delivered)),
                rawBody: "\(id)|99|x", contentType: nil)
            #expect(try await database.store.record(receipt).outcome == .waiting)
            try await database.query("UPDATE callback_receipts SET outcome = 'orphaned', next_attempt_at = NULL")
            try await database.insertNotification(id: id, status: .sending)
            let redriven = try await Self.redriveAll(database.store, RedriveSelection(outcome: .orphaned), batchSize: 10)
            #expect(redriven.map(\.result.outcome) == [.applied])
            #expect(try await database.notification(id)?.status == .delivered)
        }
    }
}
