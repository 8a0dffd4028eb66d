/// The statements that claim stored receipts for applying again, and settle the ones that cannot be.
enum ReapplyStatements {
    /// `waiting` receipts that are due, oldest schedule first; rows another replica holds are skipped.
    static let claimDue = PreparedStatement(name: "receipt_claim_due", sql: """
        SELECT id, provider, raw_body, content_type, attempts,
               extract(epoch FROM now() - received_at) AS age
          FROM callback_receipts
         WHERE outcome = 'waiting' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1::integer
           FOR UPDATE SKIP LOCKED
        """)

    /// Receipts of one outcome (optionally one provider, received since a time), after an id, in id order.
    static let claimSelection = PreparedStatement(name: "receipt_claim_selection", sql: """
        SELECT id, provider, raw_body, content_type, attempts,
               extract(epoch FROM now() - received_at) AS age
          FROM callback_receipts
         WHERE outcome = $1::text
           AND ($2::text IS NULL OR provider = $2::text)
           AND ($3::float8 IS NULL OR received_at >= to_timestamp($3::float8))
           AND id > $4::bigint
         ORDER BY id
         LIMIT $5::integer
           FOR UPDATE SKIP LOCKED
        """)

    /// A receipt whose body can no longer be read is given up rather than claimed on every poll.
    static let orphanUnreadable = PreparedStatement(name: "receipt_orphan_unreadable", sql: """
        UPDATE callback_receipts
           SET outcome = 'orphaned', next_attempt_at = NULL, attempts = attempts + 1, updated_at = now()
         WHERE id = $1::bigint
        """)

    /// A receipt whose statement failed is tried again later, by the schedule, instead of blocking its batch.
    static let postpone = PreparedStatement(name: "receipt_postpone", sql: """
        UPDATE callback_receipts
           SET attempts = attempts + 1, updated_at = now(),
               next_attempt_at = CASE WHEN outcome = 'waiting' THEN now() + make_interval(secs => $2::float8) ELSE next_attempt_at END
         WHERE id = $1::bigint
        """)
}
