import CallbackCore
import Foundation
import Testing
import TestSupport

@testable import CallbackStore

/// A provider's retry that arrives while its original is still being stored, for a provider whose signature covers
/// a one-time token and not the body (Mailgun). The original's transaction is held open on a session of the test's
/// own, so the retry's statement finds the token claimed by a transaction it cannot see yet.
@Suite("One-time tokens under racing requests")
struct OneTimeTokenRaceTests {
    @Test("the same request while the first is still being stored waits for it and is a duplicate, not a replay; another body is a replay")
    func retryRacingItsOriginal() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending)
            func receipt(_ event: String, _ target: MappingTarget) -> IncomingReceipt {
                var receipt = ReceiptFactory.incoming(.mailgun, for: .id(id), rawStatus: event, target: target,
                                                      body: #"{"signature":{"token":"held"},"event-data":{"event":"\#(event)"}}"#)
                receipt.oneTimeToken = "held"
                return receipt
            }
            for (other, wantReplayed) in [(receipt("delivered", .delivered), false), (receipt("failed", .permanentFailure), true)] {
                _ = try await database.query("TRUNCATE callback_receipts, callback_receipt_keys, callback_receipts_waiting, webhook_tokens")
                let write = ReceiptWrite(receipt("delivered", .delivered), retryDelay: 1)
                let original = try await RowLock.hold(in: database) { connection throws(DatabaseError) in
                    let steps = try connection.pipeline([ReceiptStatements.command(write)])
                    guard case .ran = steps.first else { throw DatabaseError.unavailable("the original's write did not run: \(steps)") }
                }
                async let answer = database.store.record(other)
                let deadline = ContinuousClock.now + .seconds(10)
                while try await original.blockedCount(in: database) < 1 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(try await original.blockedCount(in: database) == 1, "the second request waits for the first's token")
                try await original.release()
                let recorded = try await answer
                #expect(recorded.replayed == wantReplayed)
                #expect(recorded.outcome == .duplicate || wantReplayed, "a retry of the stored request")
                #expect(try await database.count("callback_receipts") == 1)
            }
            #expect(try await database.notification(id)?.status == .delivered)
        }
    }
}
