import CallbackCore
import Foundation

/// The outbox of callbacks owed to services (`service_callback_outbox`). Rows are written by the statements that
/// change notifications (``CallbackQueueing``); this type takes them to send, records what became of each, and
/// serves the operator's list and re-drive.
///
/// Every replica takes work from the same rows: ``claim(limit:lease:)`` skips rows another replica is taking and
/// leases a taken row, so a replica that dies mid-send leaves it due again when the lease runs out. A callback the
/// service accepted is deleted; refused and given-up ones stay, for the operator, until retention.
///
/// Each callback costs the database its insert (with the change it reports), a claim and a settlement. The claim
/// writes only the lease and the attempts, which no index reads, so it is a heap-only update; the settlement of a
/// sent callback is a delete. Neither adds index entries.
public struct PostgresServiceCallbackOutbox: Sendable {
    private let workers: DatabaseWorkers

    /// The outbox on the given workers' database.
    public init(workers: DatabaseWorkers) {
        self.workers = workers
    }

    /// Takes up to `limit` due callbacks, oldest due first, each the earliest still pending of its notification and
    /// type, and counts the attempt. `lease` seconds is how long the taker may take to settle one.
    public func claim(limit: Int, lease: Double) async throws(DatabaseError) -> [OutboxCallback] {
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.claim, [String(max(limit, 0)), String(lease)])
        }
        return result.rows.indices.compactMap { OutboxCallback(result, row: $0) }
    }

    /// Records what became of an attempt on a pending callback.
    public func settle(_ id: Int64, _ settlement: OutboxSettlement) async throws(DatabaseError) {
        try await settle([id: settlement])
    }

    /// Records what became of attempts on pending callbacks, by outbox id, in one statement: a dispatcher settles
    /// as many callbacks a second as it sends, and one statement each cost as much as the receipts they report.
    public func settle(_ settlements: [Int64: OutboxSettlement]) async throws(DatabaseError) {
        guard !settlements.isEmpty else { return }
        let parameters = Statements.parameters(settlements)
        _ = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.settle, parameters)
        }
    }

    /// Callbacks in `state` (or every state), optionally one service's, newest first, at most `limit`.
    public func list(state: OutboxState?, service: UUID?, limit: Int) async throws(DatabaseError) -> [OutboxEntry] {
        let parameters: [String?] = [state?.rawValue, service.map(UUIDText.lowercase), String(max(limit, 0))]
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.list, parameters)
        }
        return result.rows.indices.compactMap { OutboxEntry(result, row: $0) }
    }

    /// Makes callbacks given up (`dead` or `failed`), optionally one service's, pending and due now, with their
    /// attempts counted from zero and their idempotency keys kept; returns how many.
    public func redrive(state: OutboxState, service: UUID?) async throws(DatabaseError) -> Int {
        let parameters: [String?] = [state.rawValue, service.map(UUIDText.lowercase)]
        return try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.redrive, parameters).affectedRows
        }
    }

    /// How many callbacks are pending, failed and dead.
    public func counts() async throws(DatabaseError) -> OutboxCounts {
        let result = try await workers.run { connection throws(DatabaseError) in
            try connection.query(Statements.counts, [])
        }
        func count(_ name: String) -> Int { result.value(name).flatMap { Int($0) } ?? 0 }
        return OutboxCounts(pending: count("pending"), failed: count("failed"), dead: count("dead"))
    }

    enum Statements {
        /// A row still pending, checked on the row as locked. A `CASE`, not `o.state = 'pending'`: the planner reads
        /// that as leave to scan a partial index of pending rows whole and filter it by id, which it does when the
        /// outbox looks empty or small.
        private static let stillPending = "CASE o.state WHEN 'pending' THEN true ELSE false END"

        /// `$1` limit, `$2` lease (seconds). A row waits while an earlier row of its notification and type is
        /// pending, so a `delivered` is never sent before the `pending` that came first has been sent or given up.
        ///
        /// Every read is an index lookup whatever the statistics say (checked in `OutboxPlanTests`): the earlier row
        /// is looked for by a scalar subquery, which the planner cannot turn into a join, with nothing but the
        /// notification and type for an index to use (the order and the state in a `CASE`: with `e.id < o.id` or
        /// `ORDER BY e.id` the primary key was read whole, with `e.state = 'pending'` the due index); the taken
        /// rows are named by an array of ids, and the registration by a `LATERAL` lookup. Written as joins, a plan
        /// made while the outbox looked empty read every pending row for every candidate, 0.3 to 0.9 s a claim.
        ///
        /// Rows under lease are still in the due index, ahead of the rest, and are passed over on the heap: there
        /// are at most as many as the replicas have attempts in flight.
        static let claim = PreparedStatement(name: "outbox_claim", sql: """
            WITH due AS (
                SELECT o.id FROM service_callback_outbox o
                 WHERE o.state = 'pending' AND o.next_attempt_at <= now()
                   AND (o.leased_until IS NULL OR o.leased_until <= now())
                   AND (SELECT true FROM service_callback_outbox e
                         WHERE e.notification_id = o.notification_id AND e.callback_type = o.callback_type
                           AND CASE WHEN e.id < o.id THEN e.state = 'pending' ELSE false END
                         LIMIT 1) IS NULL
                 ORDER BY o.next_attempt_at
                 LIMIT $1::integer
                 FOR UPDATE SKIP LOCKED
            ),
            taken AS (
                UPDATE service_callback_outbox o
                   SET leased_until = now() + make_interval(secs => $2::float8), attempts = o.attempts + 1
                 WHERE o.id = ANY (ARRAY(SELECT id FROM due)) AND \(stillPending)
                RETURNING o.id, o.notification_id, o.service_id, o.callback_type, o.payload, o.idempotency_key,
                          o.attempts, o.created_at
            )
            SELECT t.id, t.notification_id, t.service_id, t.callback_type, t.payload, t.idempotency_key, t.attempts,
                   extract(epoch FROM t.created_at) AS created_at, s.url, s.sealed_token
              FROM taken t
              LEFT JOIN LATERAL (
                   SELECT url, sealed_token FROM service_callbacks r
                    WHERE r.service_id = t.service_id AND r.callback_type = t.callback_type
                    LIMIT 1) s ON true
             ORDER BY t.id
            """)

        /// Arrays, one element per callback: `$1` ids, `$2` states (`sent` for a callback accepted), `$3` seconds
        /// until the next attempt, `$4` change to the attempts, `$5` HTTP statuses, `$6` reasons. A sent row is
        /// deleted, any other updated and its lease ended. Only a pending row changes: a re-drive or another
        /// replica's settlement in between wins. The rows are named by `= ANY` of the ids as well as joined, so
        /// that their primary key is read whatever the statistics say.
        static let settle = PreparedStatement(name: "outbox_settle", sql: """
            WITH s AS (
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::integer[], $5::integer[], $6::text[])
                       AS s (id, state, delay, attempts, status, reason)
            ),
            sent AS (
                DELETE FROM service_callback_outbox o
                 USING s
                 WHERE o.id = ANY ($1::bigint[]) AND o.id = s.id AND s.state = 'sent' AND \(stillPending)
            )
            UPDATE service_callback_outbox o
               SET state = s.state,
                   next_attempt_at = now() + make_interval(secs => s.delay),
                   leased_until = NULL,
                   attempts = o.attempts + s.attempts,
                   last_status_code = COALESCE(s.status, o.last_status_code),
                   last_error = s.reason,
                   completed_at = CASE WHEN s.state <> 'pending' THEN now() END
              FROM s
             WHERE o.id = ANY ($1::bigint[]) AND o.id = s.id AND s.state <> 'sent' AND \(stillPending)
            """)

        /// The one place settlements become the parameters of ``settle``.
        static func parameters(_ settlements: [Int64: OutboxSettlement]) -> [String?] {
            var ids: [String?] = [], states: [String?] = [], delays: [String?] = [], attempts: [String?] = []
            var statuses: [String?] = [], reasons: [String?] = []
            for (id, settlement) in settlements.sorted(by: { $0.key < $1.key }) {
                let (state, delay, change, status, reason): (String, Double, Int, Int?, String?) = switch settlement {
                case .sent(let status): ("sent", 0, 0, status, nil)
                case .retry(let delay, let status, let reason): (OutboxState.pending.rawValue, delay, 0, status, reason)
                case .failed(let status, let reason): (OutboxState.failed.rawValue, 0, 0, status, reason)
                case .dead(let status, let reason): (OutboxState.dead.rawValue, 0, 0, status, reason)
                case .postponed(let delay): (OutboxState.pending.rawValue, delay, -1, nil, nil)
                }
                ids.append(String(id))
                states.append(state)
                delays.append(String(max(delay, 0)))
                attempts.append(String(change))
                statuses.append(status.map(String.init))
                reasons.append(reason)
            }
            return [ids, states, delays, attempts, statuses, reasons].map(ArrayText.literal)
        }

        private static let entryColumns = """
            id, notification_id, service_id, callback_type, state, attempts, last_status_code, last_error,
            extract(epoch FROM created_at) AS created_at,
            extract(epoch FROM greatest(next_attempt_at, leased_until)) AS next_attempt_at
            """

        /// `$1` state or NULL, `$2` service or NULL, `$3` limit.
        static let list = PreparedStatement(name: "outbox_list", sql: """
            SELECT \(entryColumns) FROM service_callback_outbox
             WHERE ($1::text IS NULL OR state = $1::text) AND ($2::uuid IS NULL OR service_id = $2::uuid)
             ORDER BY id DESC
             LIMIT $3::integer
            """)

        /// `$1` state, `$2` service or NULL.
        static let redrive = PreparedStatement(name: "outbox_redrive", sql: """
            UPDATE service_callback_outbox
               SET state = 'pending', attempts = 0, next_attempt_at = now(), leased_until = NULL, completed_at = NULL
             WHERE state = $1::text AND state IN ('failed', 'dead') AND ($2::uuid IS NULL OR service_id = $2::uuid)
            """)

        /// Each count reads its partial index only.
        static let counts = PreparedStatement(name: "outbox_counts", sql: """
            SELECT (SELECT count(*) FROM service_callback_outbox WHERE state = 'pending') AS pending,
                   (SELECT count(*) FROM service_callback_outbox WHERE state = 'failed') AS failed,
                   (SELECT count(*) FROM service_callback_outbox WHERE state = 'dead') AS dead
            """)
    }
}

extension OutboxCallback {
    /// Row `row` of a claim, or `nil` when it cannot be read.
    init?(_ result: QueryResult, row: Int) {
        guard let id = result.value("id", row: row).flatMap({ Int64($0) }),
              let notification = result.value("notification_id", row: row).flatMap(UUID.init(uuidString:)),
              let service = result.value("service_id", row: row).flatMap(UUID.init(uuidString:)),
              let type = result.value("callback_type", row: row).flatMap(ServiceCallbackType.init(rawValue:)),
              let payload = result.value("payload", row: row),
              let key = result.value("idempotency_key", row: row).flatMap(UUID.init(uuidString:)),
              let attempts = result.value("attempts", row: row).flatMap({ Int($0) }),
              let created = result.value("created_at", row: row).flatMap(Double.init)
        else { return nil }
        let url = result.value("url", row: row)
        self.init(
            id: id, notificationID: notification, serviceID: service, type: type, payload: payload,
            idempotencyKey: key, attempts: attempts, createdAt: Date(timeIntervalSince1970: created),
            url: url, sealedToken: url == nil ? nil : result.value("sealed_token", row: row).flatMap(ByteaText.bytes)
        )
    }
}

extension OutboxEntry {
    /// Row `row` of a list, or `nil` when it cannot be read.
    init?(_ result: QueryResult, row: Int) {
        guard let id = result.value("id", row: row).flatMap({ Int64($0) }),
              let notification = result.value("notification_id", row: row).flatMap(UUID.init(uuidString:)),
              let service = result.value("service_id", row: row).flatMap(UUID.init(uuidString:)),
              let type = result.value("callback_type", row: row).flatMap(ServiceCallbackType.init(rawValue:)),
              let state = result.value("state", row: row).flatMap(OutboxState.init(rawValue:)),
              let attempts = result.value("attempts", row: row).flatMap({ Int($0) }),
              let created = result.value("created_at", row: row).flatMap(Double.init),
              let next = result.value("next_attempt_at", row: row).flatMap(Double.init)
        else { return nil }
        self.init(
            id: id, notificationID: notification, serviceID: service, type: type, state: state, attempts: attempts,
            lastStatusCode: result.value("last_status_code", row: row).flatMap { Int($0) },
            lastError: result.value("last_error", row: row),
            createdAt: Date(timeIntervalSince1970: created), nextAttemptAt: Date(timeIntervalSince1970: next)
        )
    }
}
