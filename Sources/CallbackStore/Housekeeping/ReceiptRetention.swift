import CallbackCore
import Foundation

/// Deletes receipts, complaints, one-time tokens and service callbacks received before a ``RetentionCutoff``:
/// receipts by dropping the day partitions wholly before it (``ReceiptPartitions``), then those left in partitions
/// that span it (the legacy and DEFAULT ones) in batches, one statement each, as complaints, tokens and service
/// callbacks are; the receipts' keys, which make a resend a duplicate, likewise. (A token is kept as long as the
/// receipts: a provider's signature window must stay within it, so that a request old enough to have lost its token
/// is refused by its timestamp instead.)
///
/// A `waiting` receipt is never deleted, however old: it is a receipt not yet applied, and deleting it would lose
/// it; its key stays with it. Nor is a pending service callback, which is still owed. Notifications and their
/// history belong to the platform, not to the gateway, and are never touched.
public struct ReceiptRetention: Sendable {
    /// Rows older than this are deleted.
    public let cutoff: RetentionCutoff
    /// Rows deleted per statement.
    public let batchSize: Int

    /// Creates a retention run for `cutoff`.
    public init(cutoff: RetentionCutoff, batchSize: Int) {
        self.cutoff = cutoff
        self.batchSize = max(batchSize, 1)
    }

    /// Deletes batch after batch until one comes back short.
    public func apply(on connection: PostgresConnection) throws(DatabaseError) -> RetentionResult {
        let receipts = try ReceiptPartitions.drop(before: cutoff, on: connection)
            + drain(Statements.receipts, batchesOf: batchSize, on: connection)
        // As many as the receipts, give or take the resends of bodies whose receipts went; not reported apart.
        _ = try drain(Statements.keys, batchesOf: min(batchSize * Self.keysPerReceipt, 1_000_000), on: connection)
        return RetentionResult(
            receipts: receipts,
            complaints: try drain(Statements.complaints, batchesOf: batchSize, on: connection),
            tokens: try drain(Statements.tokens, batchesOf: batchSize, on: connection),
            serviceCallbacks: try drain(Statements.serviceCallbacks, batchesOf: batchSize, on: connection)
        )
    }

    /// Keys deleted per statement for each receipt of `batchSize`. A statement's fixed cost (its commit, its
    /// round trip), not its rows, was most of what a statement of 10,000 keys cost: 2.5 million keys took 12.8 s
    /// in statements of 10,000 and 4.6 s in statements of 50,000, each of which still ran shorter than one of
    /// 10,000 receipts (a key's row is a tenth of a receipt's).
    static let keysPerReceipt = 5

    /// Runs `statement` for rows before the cutoff, `size` at a time, until a batch comes back short.
    private func drain(
        _ statement: PreparedStatement, batchesOf size: Int, on connection: PostgresConnection
    ) throws(DatabaseError) -> Int {
        let parameters = [String(cutoff.deleteBefore.timeIntervalSince1970), String(size)]
        var total = 0
        var deleted = 0
        repeat {
            deleted = try connection.query(statement, parameters).affectedRows
            total += deleted
        } while deleted >= size
        return total
    }

    /// `$1` cutoff (Unix seconds), `$2` batch size. Rows another transaction holds (a receipt being re-driven)
    /// are skipped rather than waited for. Receipts are named by `(id, received_at)`, each partition's primary key.
    private enum Statements {
        static let receipts = PreparedStatement(name: "retention_receipts", sql: """
            DELETE FROM callback_receipts
             WHERE (id, received_at) IN (
                   SELECT id, received_at FROM callback_receipts
                    WHERE received_at < to_timestamp($1::float8) AND outcome <> 'waiting'
                    LIMIT $2::integer
                    FOR UPDATE SKIP LOCKED)
               -- Checked again on the row as locked: a re-drive may have made it wait again.
               AND outcome <> 'waiting'
            """)
        /// By the keys' `received_at` index; a waiting receipt's key is found in the small table of them. The rows
        /// are named by their place in the table: naming them by key looked each up again in the primary key, at
        /// random, which made deleting keys ten times slower (2.85 s against 0.29 s for 250,000). Not locked first:
        /// nothing holds a key's row (a resend's insert waits for this delete and then stores its body anew, as it
        /// would after the delete), and locking cost a third of the statement.
        static let keys = PreparedStatement(name: "retention_receipt_keys", sql: """
            DELETE FROM callback_receipt_keys
             WHERE ctid = ANY (ARRAY(
                   SELECT k.ctid FROM callback_receipt_keys k
                    WHERE k.received_at < to_timestamp($1::float8)
                      AND NOT EXISTS (SELECT 1 FROM callback_receipts_waiting w WHERE w.dedupe_key = k.dedupe_key)
                    LIMIT $2::integer))
            """)
        static let tokens = PreparedStatement(name: "retention_webhook_tokens", sql: """
            DELETE FROM webhook_tokens
             WHERE (provider, token) IN (
                   SELECT provider, token FROM webhook_tokens WHERE received_at < to_timestamp($1::float8)
                    LIMIT $2::integer
                    FOR UPDATE SKIP LOCKED)
            """)
        static let serviceCallbacks = PreparedStatement(name: "retention_service_callbacks", sql: """
            DELETE FROM service_callback_outbox
             WHERE id IN (
                   SELECT id FROM service_callback_outbox
                    WHERE state IN ('failed', 'dead') AND created_at < to_timestamp($1::float8)
                    LIMIT $2::integer
                    FOR UPDATE SKIP LOCKED)
               -- Checked again on the row as locked: a re-drive may have made it pending again.
               AND state IN ('failed', 'dead')
            """)
        static let complaints = PreparedStatement(name: "retention_complaints", sql: """
            DELETE FROM complaints
             WHERE id IN (
                   SELECT id FROM complaints WHERE received_at < to_timestamp($1::float8)
                    LIMIT $2::integer
                    FOR UPDATE SKIP LOCKED)
            """)
    }
}
