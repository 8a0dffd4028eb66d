/// The statements that apply a receipt; beside them, `ReceiptStatements+Parameters.swift` is the one place that
/// turns a ``ReceiptWrite`` into their parameters. (This file needs nothing but ``PreparedStatement``, so that
/// `scripts/bench` can compile it on its own and give pgbench exactly these statements.) Each
/// is one round trip: the lookup, the rule-bound update, the history row, the complaint and the receipt row happen
/// in one statement, so they commit or fail together, and the notification's row lock is what makes concurrent
/// receipts (from any replica) apply one at a time.
///
/// The statements decide nothing: ``ReceiptDecisions`` (the transition rules, worked out for every status) comes in
/// as parameters, and the SQL writes the status the plan gives for the status it finds, then records the outcome
/// the decisions give for what it found and did.
///
/// Shared parameters (every form):
/// `$1` notification id, `$2` provider reference (looked up in `notifications.reference` when `$1` is NULL),
/// `$3` mapped target (NULL when unmapped), `$4` status written from `sending`, `$5` from `pending` (NULL: no
/// change), `$6` updated_by, `$7` sent_by, `$8` seconds until the next attempt if the receipt must wait,
/// `$9` complaint feedback id, `$10` complaint type, `$11` complained at (Unix seconds).
enum ReceiptStatements {
    /// How a statement finds the notification: each statement comes in two forms, one per lookup, so that a plan
    /// made once for every receipt has no branch that depends on which parameter is NULL. (One form for both was
    /// planned again for every receipt, which took about half of PostgreSQL's time per receipt.)
    enum Lookup: CaseIterable {
        /// By `$1`, the notification id (Firetext, MMG).
        case id
        /// By `$2`, the provider's reference in `notifications.reference` (SES); `$1` is NULL.
        case reference
    }

    /// Whether a statement can store a complaint. Only a receipt mapped to `complaint` can, and most receipts are
    /// not: a statement with the complaint insert opens `complaints` and its indexes for every receipt, even when
    /// it inserts nothing, which cost about 8% of PostgreSQL's CPU per receipt in the benchmark.
    enum Effect: CaseIterable {
        /// A status receipt: `$3` is an internal status, `ignore`, or NULL when unmapped.
        case status
        /// A complaint: `$3` is `complaint`.
        case complaint
    }

    /// The notification statuses in the order of the decided outcomes (`ReceiptDecisions.statusOrder`; a test
    /// keeps the two the same).
    static let statusOrder = ["created", "sending", "pending", "sent", "delivered", "temporary-failure", "permanent-failure", "technical-failure"]

    /// Stores a new receipt and applies it, found by id (the pgbench ceiling runs this one).
    static let recordByID = record(.id, .status, claim: false)
    /// Stores a new receipt and applies it, found by reference.
    static let recordByReference = record(.reference, .status, claim: false)

    /// Every form of the record and retry statements, for the plan tests and the benchmark.
    static var allForms: [PreparedStatement] {
        var forms: [PreparedStatement] = []
        for lookup in Lookup.allCases {
            for effect in Effect.allCases {
                forms += [record(lookup, effect, claim: false), record(lookup, effect, claim: true), retry(lookup, effect)]
            }
        }
        return forms + [recordUnreadable]
    }

    /// A statement's name: its kind, its effect, whether it claims a token, and its lookup.
    private static func name(_ kind: String, _ by: Lookup, _ effect: Effect, claim: Bool = false) -> String {
        "receipt_\(kind)\(effect == .complaint ? "_complaint" : "")\(claim ? "_claiming_token" : "")_by_\(by)"
    }

    /// A receipt is stored once per body: its key goes into `callback_receipt_keys` (migration 15) first, and a
    /// key that is there already makes it a resend. `ON CONFLICT` waits for a transaction storing the same key at
    /// that moment (another replica given the same body) and sees its key once it commits. The partitioned
    /// `callback_receipts` has no unique index on the key for it to wait on, and looking there would lock and open
    /// every day's partition for each receipt.
    ///
    /// Stores a new receipt and applies it. Extra parameters: `$12` provider, `$13` raw body, `$14` content type,
    /// `$15` raw status, `$16` detail code, `$17` provider timestamp (Unix seconds), `$18` the outcomes when nothing
    /// is written by the status found, `$19` the outcome behind an earlier waiting receipt, and in the claiming form
    /// `$20` the one-time token: taken before (by any replica) by another body, it refuses the receipt, which is then
    /// stored nowhere and answered `replayed`. The same body sent again is the provider retrying a request whose
    /// answer it did not get, and is a `duplicate` as any resend is, even while the original is still being stored:
    /// the token's row keeps the key of the body that took it, and `DO UPDATE` (unlike `DO NOTHING`) waits for a
    /// claim in flight and returns the row as committed, which this statement's snapshot would not show.
    static func record(_ by: Lookup, _ effect: Effect, claim: Bool) -> PreparedStatement {
        recordForms[Form(by, effect, claim)] ?? buildRecord(by, effect, claim: claim)
    }

    /// A statement's form: how it finds the notification, what the receipt does, whether it claims a token.
    private struct Form: Hashable {
        let lookup: Lookup, effect: Effect, claim: Bool
        init(_ lookup: Lookup, _ effect: Effect, _ claim: Bool) { (self.lookup, self.effect, self.claim) = (lookup, effect, claim) }
        static let all = Lookup.allCases.flatMap { lookup in Effect.allCases.flatMap { effect in [Form(lookup, effect, false), Form(lookup, effect, true)] } }
    }

    // Built once: every receipt needs one, and building the text took a few percent of the gateway's CPU.
    private static let recordForms = Dictionary(uniqueKeysWithValues: Form.all.map { ($0, buildRecord($0.lookup, $0.effect, claim: $0.claim)) })
    private static let retryForms = Dictionary(uniqueKeysWithValues: Form.all.filter { !$0.claim }.map { ($0, buildRetry($0.lookup, $0.effect)) })

    private static func buildRecord(_ by: Lookup, _ effect: Effect, claim: Bool) -> PreparedStatement {
        let claimed = claim ? """
            token AS (
                INSERT INTO webhook_tokens (provider, token, dedupe_key) VALUES ($12::text, $20::text, (SELECT dedupe_key FROM key))
                ON CONFLICT (provider, token) DO UPDATE SET received_at = webhook_tokens.received_at
                RETURNING xmax = 0 AS claimed, dedupe_key = (SELECT dedupe_key FROM key) AS same_body
            ),
            """ : ""
        let tokenTaken = claim ? "UNION ALL SELECT 1 FROM token WHERE NOT claimed" : ""
        // A body whose token another body took is stored nowhere, its key included; the same body sent again is a
        // resend whether or not its key is stored yet.
        let keyed = claim ? "WHERE NOT EXISTS (SELECT 1 FROM token WHERE NOT claimed)" : ""
        let takenByAnother = claim ? "AND NOT EXISTS (SELECT 1 FROM token WHERE NOT claimed AND same_body IS NOT TRUE)" : ""
        return PreparedStatement(name: name("record", by, effect, claim: claim), sql: """
        WITH key AS (
            SELECT sha256(convert_to($12::text || E'\\n' || $13::text, 'UTF8')) AS dedupe_key
        ),
        \(claimed)
        kept AS (
            INSERT INTO callback_receipt_keys (dedupe_key, received_at)
            SELECT dedupe_key, now() FROM key \(keyed)
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING 1
        ),
        resent AS (
            SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM kept) \(takenByAnother)
        ),
        seen AS (
            SELECT 1 FROM resent \(tokenTaken)
        ),
        \(lookup(by)),
        \(earlier(by, than: "")),
        \(change(guard: "AND NOT EXISTS (SELECT 1 FROM seen)")),
        \(history),
        \(complaint(effect, outcomes: "$18", guard: "AND NOT EXISTS (SELECT 1 FROM seen)")),
        \(callbacks(effect)),
        decided AS (
            SELECT CASE
                WHEN EXISTS (SELECT 1 FROM seen) THEN 'duplicate'
                \(outcome(outcomes: "$18", behindEarlier: "$19"))
            END AS outcome
        ),
        stored AS (
            INSERT INTO callback_receipts (
                provider, content_type, raw_body, provider_reference, notification_id, raw_status, detail_code,
                mapped_target, outcome, status_written, attempts, next_attempt_at, provider_timestamp, dedupe_key,
                history_version
            )
            SELECT $12::text, $14::text, $13::text, $2::text,
                   COALESCE((SELECT id FROM found), $1::uuid), $15::text, $16::text,
                   $3::text, d.outcome, (SELECT status FROM changed), 1,
                   CASE WHEN d.outcome = 'waiting' THEN now() + make_interval(secs => $8::float8) END,
                   to_timestamp($17::float8), key.dedupe_key, (SELECT version FROM changed)
              FROM decided d, key
             WHERE NOT EXISTS (SELECT 1 FROM seen)
            RETURNING id, outcome
        )
        \(summary(
            outcome: "COALESCE((SELECT outcome FROM stored), 'duplicate')",
            receiptID: "(SELECT id FROM stored)",
            replayed: claim
                ? "EXISTS (SELECT 1 FROM token WHERE NOT claimed AND same_body IS NOT TRUE) AND NOT EXISTS (SELECT 1 FROM resent)"
                : "false"
        ))
        """)
    }

    /// Stores an event of a batch that could not be read, as `invalid`, with its raw text: `$1` provider, `$2` raw
    /// text, `$3` content type. The same text stored before is a duplicate, as for any receipt.
    static let recordUnreadable = PreparedStatement(name: "receipt_record_unreadable", sql: """
        WITH key AS (
            SELECT sha256(convert_to($1::text || E'\\n' || $2::text, 'UTF8')) AS dedupe_key
        ),
        kept AS (
            INSERT INTO callback_receipt_keys (dedupe_key, received_at)
            SELECT dedupe_key, now() FROM key
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING dedupe_key
        ),
        stored AS (
            INSERT INTO callback_receipts (provider, content_type, raw_body, raw_status, outcome, dedupe_key)
            SELECT $1::text, $3::text, $2::text, '', 'invalid', kept.dedupe_key FROM kept
            RETURNING id, outcome
        )
        SELECT COALESCE((SELECT outcome FROM stored), 'duplicate') AS outcome,
               NULL::text AS provider_reference, NULL::text AS status_written, NULL::integer AS history_version,
               NULL::uuid AS notification_id, NULL::float8 AS elapsed_ms, (SELECT id FROM stored) AS receipt_id,
               false AS replayed
        """)

    /// Applies a stored receipt again (a `waiting` one, or one an operator re-drives) and records the new outcome
    /// on its row. Extra parameters: `$12` receipt id, `$13` the outcomes when nothing is written by the status
    /// found, `$14` the outcome behind an earlier waiting receipt (for a receipt that has waited as long as it may,
    /// the decisions say `orphaned` where they would say `waiting`).
    static func retry(_ by: Lookup, _ effect: Effect) -> PreparedStatement {
        retryForms[Form(by, effect, false)] ?? buildRetry(by, effect)
    }

    private static func buildRetry(_ by: Lookup, _ effect: Effect) -> PreparedStatement {
        PreparedStatement(name: name("retry", by, effect), sql: """
        WITH \(lookup(by)),
        \(earlier(by, than: "AND w.id < $12::bigint")),
        \(change(guard: "")),
        \(history),
        \(complaint(effect, outcomes: "$13", guard: "")),
        \(callbacks(effect)),
        decided AS (
            SELECT CASE \(outcome(outcomes: "$13", behindEarlier: "$14")) END AS outcome
        ),
        stored AS (
            UPDATE callback_receipts r
               SET outcome = d.outcome,
                   mapped_target = $3::text,
                   status_written = (SELECT status FROM changed),
                   notification_id = COALESCE((SELECT id FROM found), $1::uuid, r.notification_id),
                   history_version = (SELECT version FROM changed),
                   attempts = r.attempts + 1,
                   next_attempt_at = CASE WHEN d.outcome = 'waiting' THEN now() + make_interval(secs => $8::float8) END,
                   updated_at = now()
              FROM decided d
             WHERE r.id = $12::bigint
            RETURNING r.id, r.outcome
        ),
        followers AS (
            -- Receipts that waited behind this one for the same notification are due as soon as it is settled.
            -- Found by id only: `w.outcome = 'waiting'` here would let the planner read a whole partial index of
            -- waiting receipts instead. A receipt has a next attempt only while it waits, so the time alone is
            -- what a row another transaction changed meanwhile is checked against again.
            UPDATE callback_receipts w
               SET next_attempt_at = now()
             WHERE w.id = ANY (ARRAY(SELECT s.id FROM (\(waitingForSameNotification(by))) s WHERE s.id > $12::bigint))
               AND w.next_attempt_at > now()
               AND (SELECT outcome FROM decided) <> 'waiting'
        )
        \(summary(outcome: "(SELECT outcome FROM stored)", receiptID: "(SELECT id FROM stored)", replayed: "false"))
        """)
    }

    /// The notification the receipt names: by id, or by the provider's reference (newest first).
    private static func lookup(_ by: Lookup) -> String {
        switch by {
        case .id:
            "found AS (SELECT id, status FROM notifications WHERE id = $1::uuid)"
        case .reference:
            """
            found AS (
                SELECT id, status FROM notifications WHERE reference = $2::text ORDER BY created_at DESC LIMIT 1
            )
            """
        }
    }

    /// Receipts for the same notification apply in the order they arrived: while an earlier one still waits, a
    /// later one waits behind it (otherwise a `1` could overtake the `2` it follows and be taken as permanent).
    private static func earlier(_ by: Lookup, than bound: String) -> String {
        """
        earlier AS (
            SELECT 1 FROM (\(waitingForSameNotification(by))) w
             WHERE true \(bound)
             LIMIT 1
        )
        """
    }

    /// The ids of the `waiting` receipts about the notification this receipt names (by reference: also one stored
    /// while the notification was not there yet, which has no id), from `callback_receipts_waiting`, the small
    /// table the triggers of migration 15 keep of them. Each part is one lookup in an index of its own, whatever the
    /// statistics say: an `OR` of the two, or a plan made while the table looked empty, read every waiting receipt
    /// instead.
    private static func waitingForSameNotification(_ by: Lookup) -> String {
        switch by {
        case .id:
            "SELECT receipt_id AS id FROM callback_receipts_waiting WHERE notification_id = $1::uuid"
        case .reference:
            """
            SELECT receipt_id AS id FROM callback_receipts_waiting WHERE notification_id = (SELECT id FROM found)
            UNION ALL
            SELECT receipt_id AS id FROM callback_receipts_waiting WHERE provider_reference = $2::text
            """
        }
    }

    /// Rules 1-3 as the plan states them: only `sending` and `pending` rows change, and only to the status the
    /// plan gives for that status. The row lock serialises concurrent receipts; a receipt that waited for the lock
    /// re-checks the condition against the committed row. The condition is one `CASE`, not `status = 'sending' OR
    /// …`, because the planner reads a condition on the status as leave to scan the partial index of open
    /// notifications whole, which it does while the table is small and keeps doing once it is not.
    ///
    /// The row is named by a value (`= (SELECT id FROM found)`), not joined to `found`, and `seen` likewise: with a
    /// join, a plan made while the table was known to be empty (vacuumed after a purge) reads the whole index and
    /// filters, since on an empty table that costs the same as one lookup, and keeps doing it once the table fills.
    private static func change(guard extra: String) -> String {
        """
        changed AS (
            UPDATE notifications n
               SET status = CASE n.status WHEN 'sending' THEN $4::text WHEN 'pending' THEN $5::text END,
                   updated_at = now(),
                   updated_by = $6::text,
                   sent_by = COALESCE(n.sent_by, $7::text),
                   version = n.version + 1
             WHERE n.id = (SELECT id FROM found) \(extra)
               AND NOT EXISTS (SELECT 1 FROM earlier)
               AND CASE n.status WHEN 'sending' THEN $4::text WHEN 'pending' THEN $5::text END IS NOT NULL
            RETURNING \(changedColumns)
        )
        """
    }

    /// What a `changed` expression returns of each notification it updated (`n`): the history row's columns
    /// (``history``) and the callbacks' (``CallbackQueueing``). The timeout's statement returns the same.
    static let changedColumns = """
        n.id, n.service_id, n.notification_type, n.key_type, n.status, n.reference, n.billable_units,
                      n.character_count, n.created_at, n.sent_at, n.sent_by, n.updated_at, n.updated_by, n.version,
                      \(CallbackQueueing.changedColumns)
        """

    /// The callbacks the statement's change owes the notification's service: a delivery status for a written
    /// status, and for a stored complaint a complaint.
    private static func callbacks(_ effect: Effect) -> String {
        switch effect {
        case .status: CallbackQueueing.statusCallbacks(from: "changed")
        case .complaint: CallbackQueueing.statusCallbacks(from: "changed") + ",\n" + CallbackQueueing.complaintCallbacks(from: "complained")
        }
    }

    /// Writes every row of `changed` into `notification_history`: one history row per change, whoever made it.
    static let history = """
        history AS (
            INSERT INTO notification_history (
                id, service_id, notification_type, key_type, status, reference, billable_units, character_count,
                created_at, sent_at, sent_by, updated_at, updated_by, version
            )
            SELECT id, service_id, notification_type, key_type, status, reference, billable_units, character_count,
                   created_at, sent_at, sent_by, updated_at, updated_by, version
              FROM changed
        )
        """

    /// Stores the complaint when the decisions say the receipt is one for the status found. The other forms only
    /// name `$9`-`$11`, in a query nothing reads, which PostgreSQL drops from the plan: a parameter the SQL never
    /// mentions has no type, and the statement would not prepare.
    private static func complaint(_ effect: Effect, outcomes: String, guard extra: String) -> String {
        guard effect == .complaint else {
            return "complained AS (SELECT $9::text, $10::text, $11::float8 WHERE false)"
        }
        return """
        complained AS (
            INSERT INTO complaints (notification_id, feedback_id, complaint_type, complained_at)
            SELECT f.id, $9::text, $10::text, to_timestamp($11::float8)
              FROM found f
             WHERE \(decided(outcomes, for: "f.status")) = 'complaint' AND NOT EXISTS (SELECT 1 FROM earlier) \(extra)
            ON CONFLICT (feedback_id) DO NOTHING
            RETURNING id, notification_id, complained_at
        )
        """
    }

    /// The outcome from what the statement did and found: `applied` when it wrote, the decided outcome behind an
    /// earlier waiting receipt, else the decided outcome for the status found. (The `WHEN` clauses of a `CASE`.)
    private static func outcome(outcomes: String, behindEarlier: String) -> String {
        """
        WHEN EXISTS (SELECT 1 FROM changed) THEN 'applied'
                WHEN EXISTS (SELECT 1 FROM earlier) THEN \(behindEarlier)::text
                ELSE \(decided(outcomes, for: "(SELECT status FROM found)"))
        """
    }

    /// The element of the decided outcomes (`$n::text[]`, in ``statusOrder`` then one for no
    /// notification) for a status expression; a NULL status (no notification) takes the last.
    private static func decided(_ outcomes: String, for status: String) -> String {
        let order = "'{" + statusOrder.joined(separator: ",") + "}'::text[]"
        return "(\(outcomes)::text[])[COALESCE(array_position(\(order), \(status)), \(statusOrder.count + 1))]"
    }

    /// The row each statement answers with. It names `$2` so that every form of a statement uses every shared
    /// parameter: one the SQL never mentions has no type, and PostgreSQL refuses to prepare the statement.
    private static func summary(outcome: String, receiptID: String, replayed: String) -> String {
        """
        SELECT \(outcome) AS outcome,
               \(replayed) AS replayed,
               $2::text AS provider_reference,
               (SELECT status FROM changed) AS status_written,
               (SELECT version FROM changed) AS history_version,
               COALESCE((SELECT id FROM found), $1::uuid) AS notification_id,
               (SELECT CASE WHEN isfinite(sent_at) THEN extract(epoch FROM now() - sent_at) * 1000 END FROM changed) AS elapsed_ms,
               \(receiptID) AS receipt_id
        """
    }
}
