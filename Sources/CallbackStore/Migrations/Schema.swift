/// The gateway's schema, as migrations. Append new steps; never edit a released one.
public enum Schema {
    /// Every migration, in order.
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "notifications and their history", statements: [
            """
            CREATE TABLE IF NOT EXISTS notifications (
                id                uuid PRIMARY KEY,
                service_id        uuid,
                notification_type text NOT NULL CHECK (notification_type IN ('sms', 'email')),
                key_type          text NOT NULL DEFAULT 'normal' CHECK (key_type IN ('normal', 'team', 'test')),
                status            text NOT NULL DEFAULT 'created' CHECK (status IN (
                                      'created', 'sending', 'pending', 'sent', 'delivered',
                                      'temporary-failure', 'permanent-failure', 'technical-failure')),
                reference         text,
                billable_units    integer NOT NULL DEFAULT 0,
                character_count   integer,
                created_at        timestamptz NOT NULL DEFAULT now(),
                sent_at           timestamptz,
                sent_by           text,
                updated_at        timestamptz,
                updated_by        text,
                version           integer NOT NULL DEFAULT 1
            )
            """,
            "CREATE INDEX IF NOT EXISTS notifications_reference_idx ON notifications (reference)",
            """
            CREATE TABLE IF NOT EXISTS notification_history (
                id                uuid NOT NULL,
                service_id        uuid,
                notification_type text NOT NULL,
                key_type          text NOT NULL,
                status            text NOT NULL,
                reference         text,
                billable_units    integer NOT NULL,
                character_count   integer,
                created_at        timestamptz NOT NULL,
                sent_at           timestamptz,
                sent_by           text,
                updated_at        timestamptz,
                updated_by        text,
                version           integer NOT NULL,
                PRIMARY KEY (id, version)
            )
            """,
        ]),
        Migration(version: 2, name: "callback receipts and complaints", statements: [
            """
            CREATE TABLE IF NOT EXISTS callback_receipts (
                id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                provider           text NOT NULL,
                received_at        timestamptz NOT NULL DEFAULT now(),
                content_type       text,
                raw_body           text NOT NULL,
                provider_reference text,
                notification_id    uuid,
                raw_status         text NOT NULL,
                detail_code        text,
                mapped_target      text,
                outcome            text NOT NULL CHECK (outcome IN (
                                       'applied', 'duplicate', 'waiting', 'orphaned', 'unmapped', 'complaint')),
                status_written     text,
                attempts           integer NOT NULL DEFAULT 1,
                next_attempt_at    timestamptz,
                provider_timestamp timestamptz,
                dedupe_key         bytea NOT NULL UNIQUE,
                history_version    integer,
                updated_at         timestamptz
            )
            """,
            """
            CREATE INDEX IF NOT EXISTS callback_receipts_waiting_idx
                ON callback_receipts (next_attempt_at) WHERE outcome = 'waiting'
            """,
            "CREATE INDEX IF NOT EXISTS callback_receipts_notification_idx ON callback_receipts (notification_id)",
            """
            CREATE INDEX IF NOT EXISTS callback_receipts_waiting_reference_idx
                ON callback_receipts (provider_reference) WHERE outcome = 'waiting'
            """,
            "CREATE INDEX IF NOT EXISTS callback_receipts_received_idx ON callback_receipts (received_at)",
            """
            CREATE TABLE IF NOT EXISTS complaints (
                id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                notification_id uuid NOT NULL,
                feedback_id     text UNIQUE,
                complaint_type  text,
                complained_at   timestamptz,
                received_at     timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX IF NOT EXISTS complaints_notification_idx ON complaints (notification_id)",
        ]),
        Migration(version: 3, name: "housekeeping: job runs, timeout, retention and statistics indexes", statements: [
            // One row per run of a singleton job. A finished run is unique per (job, period), so a replica that
            // starts later in the period finds the work done; an unfinished row is a run that failed or died.
            """
            CREATE TABLE IF NOT EXISTS job_runs (
                id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                job           text NOT NULL,
                period_start  timestamptz NOT NULL,
                started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
                finished_at   timestamptz,
                rows_affected bigint,
                replica       text NOT NULL,
                error         text
            )
            """,
            """
            CREATE UNIQUE INDEX IF NOT EXISTS job_runs_done_idx
                ON job_runs (job, period_start) WHERE finished_at IS NOT NULL
            """,
            // The timeout looks for in-flight notifications by the time they were sent; the created ones it only
            // counts. Partial, so the index holds the few rows still open rather than the whole history.
            """
            CREATE INDEX IF NOT EXISTS notifications_open_since_idx
                ON notifications (status, (COALESCE(sent_at, created_at)))
                WHERE status IN ('created', 'sending', 'pending')
            """,
            // Statistics read only these three columns for a range of days, so the index alone answers them
            // (an index-only scan); retention finds its old rows through the same index. It replaces the plain
            // received_at index.
            """
            CREATE INDEX IF NOT EXISTS callback_receipts_received_stats_idx
                ON callback_receipts (received_at) INCLUDE (provider, outcome)
            """,
            "DROP INDEX IF EXISTS callback_receipts_received_idx",
            "CREATE INDEX IF NOT EXISTS complaints_received_idx ON complaints (received_at)",
        ]),
        Migration(version: 4, name: "waiting receipts by notification", statements: [
            // Every receipt asks whether an earlier one for its notification still waits. Without an index that
            // answers exactly that, a plan made while callback_receipts looked empty read a whole partial index of
            // waiting receipts for each receipt, slower with every receipt left waiting. `IS NOT NULL` keeps the
            // planner from reading this one whole for the lookup by provider reference, which has its own index.
            """
            CREATE INDEX IF NOT EXISTS callback_receipts_waiting_notification_idx
                ON callback_receipts (notification_id) WHERE outcome = 'waiting' AND notification_id IS NOT NULL
            """,
        ]),
        Migration(version: 5, name: "waiting receipts by reference, never read for a lookup by id", statements: [
            // The converse of version 4. Its predicate, `outcome = 'waiting'` alone, let a lookup by id read the whole
            // index with a filter: plans made while `callback_receipts` was nearly empty did, for every receipt by id,
            // until an autoanalyze replanned them. A lookup by reference implies `IS NOT NULL`; one by id does not.
            """
            CREATE INDEX IF NOT EXISTS callback_receipts_waiting_by_reference_idx
                ON callback_receipts (provider_reference) WHERE outcome = 'waiting' AND provider_reference IS NOT NULL
            """,
            "DROP INDEX IF EXISTS callback_receipts_waiting_reference_idx",
        ]),
        Migration(version: 6, name: "due waiting receipts, never read for a lookup by id or reference", statements: [
            // The same again for the retrier's index: with `outcome = 'waiting'` alone, the check for an earlier
            // waiting receipt by reference read it whole with a filter in plans made on a nearly empty table. The
            // retrier's `next_attempt_at <= now()` implies `IS NOT NULL`; a lookup by id or reference does not.
            """
            CREATE INDEX IF NOT EXISTS callback_receipts_waiting_due_idx
                ON callback_receipts (next_attempt_at) WHERE outcome = 'waiting' AND next_attempt_at IS NOT NULL
            """,
            "DROP INDEX IF EXISTS callback_receipts_waiting_idx",
        ]),
        Migration(version: 7, name: "check constraints as one array constant each", statements: [
            // The same rules, in a form cheaper for every write. PostgreSQL reads a table's CHECK constraints again
            // for each statement that writes the table, and `IN ('a', 'b')` is stored as an array built from its
            // elements, which every such statement rebuilt: about 8% of PostgreSQL's CPU per receipt in the
            // benchmark. `= ANY ('{a,b}'::text[])` is stored as the finished array. NOT VALID, because the
            // constraints they replace held for every row already, and validating would scan both tables while
            // this transaction holds them locked against reads and writes; new and changed rows are checked either way.
            """
            ALTER TABLE notifications
                DROP CONSTRAINT IF EXISTS notifications_notification_type_check,
                DROP CONSTRAINT IF EXISTS notifications_key_type_check,
                DROP CONSTRAINT IF EXISTS notifications_status_check,
                ADD CONSTRAINT notifications_notification_type_check
                    CHECK (notification_type = ANY ('{sms,email}'::text[])) NOT VALID,
                ADD CONSTRAINT notifications_key_type_check
                    CHECK (key_type = ANY ('{normal,team,test}'::text[])) NOT VALID,
                ADD CONSTRAINT notifications_status_check CHECK (status = ANY (
                    '{created,sending,pending,sent,delivered,temporary-failure,permanent-failure,technical-failure}'::text[]
                )) NOT VALID
            """,
            """
            ALTER TABLE callback_receipts
                DROP CONSTRAINT IF EXISTS callback_receipts_outcome_check,
                ADD CONSTRAINT callback_receipts_outcome_check
                    CHECK (outcome = ANY ('{applied,duplicate,waiting,orphaned,unmapped,complaint}'::text[])) NOT VALID
            """,
        ]),
        Migration(version: 8, name: "job runs forced by an operator", statements: [
            // `jobs run --force` runs a job whose period is done; its run is recorded apart, so it neither breaks the
            // one-finished-run-per-period rule nor settles a period the scheduler has still to run. job_runs holds a
            // few rows a day: the index is rebuilt in a moment.
            "ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS forced boolean NOT NULL DEFAULT false",
            "DROP INDEX IF EXISTS job_runs_done_idx",
            """
            CREATE UNIQUE INDEX IF NOT EXISTS job_runs_done_idx
                ON job_runs (job, period_start) WHERE finished_at IS NOT NULL AND NOT forced
            """,
        ]),
        Migration(version: 9, name: "outcomes ignored and invalid; one-time webhook tokens", statements: [
            // Events that are not about delivery (opens, clicks) are stored as `ignored`; an event of a batch that
            // cannot be read as `invalid`. The constraint is swapped without a scan, as in version 7.
            """
            ALTER TABLE callback_receipts
                DROP CONSTRAINT IF EXISTS callback_receipts_outcome_check,
                ADD CONSTRAINT callback_receipts_outcome_check CHECK (outcome = ANY (
                    '{applied,duplicate,waiting,orphaned,unmapped,complaint,ignored,invalid}'::text[]
                )) NOT VALID
            """,
            // A signature that does not cover the body (Mailgun's covers a timestamp and a token) is accepted once
            // per token, across every replica: the receipt statement claims the token in the same transaction.
            """
            CREATE TABLE IF NOT EXISTS webhook_tokens (
                provider    text NOT NULL,
                token       text NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (provider, token)
            )
            """,
            "CREATE INDEX IF NOT EXISTS webhook_tokens_received_idx ON webhook_tokens (received_at)",
        ]),
        Migration(version: 10, name: "a one-time token remembers the body that took it", statements: [
            // A provider's retry racing its original finds the token taken before the original's receipt is
            // visible to it; the key of the body that took the token tells a retry from a replay. Tokens taken
            // before this have none, and are judged by the stored receipts as before.
            "ALTER TABLE webhook_tokens ADD COLUMN IF NOT EXISTS dedupe_key bytea",
        ]),
        Migration(version: 11, name: "services' API keys for the receipts API", statements: [
            // Only the SHA-256 of each secret is kept; the id, sent with the secret, finds the row.
            """
            CREATE TABLE IF NOT EXISTS api_keys (
                id          uuid PRIMARY KEY,
                service_id  uuid NOT NULL,
                key_type    text NOT NULL CHECK (key_type IN ('normal', 'team', 'test')),
                name        text,
                secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
                created_at  timestamptz NOT NULL DEFAULT now(),
                revoked_at  timestamptz
            )
            """,
            "CREATE INDEX IF NOT EXISTS api_keys_service_idx ON api_keys (service_id)",
        ]),
        Migration(version: 12, name: "services' callback URLs and their sealed bearer tokens", statements: [
            // The token is sealed with SERVICE_CALLBACK_ENCRYPTION_KEY (AES-256-GCM, bound to the row's service and
            // type); the database never holds it in the clear.
            """
            CREATE TABLE IF NOT EXISTS service_callbacks (
                service_id    uuid NOT NULL,
                callback_type text NOT NULL CHECK (callback_type IN ('delivery-status', 'complaint')),
                url           text NOT NULL,
                sealed_token  bytea NOT NULL,
                created_at    timestamptz NOT NULL DEFAULT now(),
                updated_at    timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (service_id, callback_type)
            )
            """,
        ]),
        Migration(version: 13, name: "unmapped statuses read from an index of their own", statements: [
            // The unmapped statuses (`unmapped`, `/admin/unmapped`, the dashboard every 10 s) were counted by reading
            // every receipt. Only unmapped receipts enter this index, so a receipt's write pays nothing for it, and
            // the summary is an index-only scan of the few rows it holds.
            """
            CREATE INDEX IF NOT EXISTS callback_receipts_unmapped_idx
                ON callback_receipts (provider, raw_status, detail_code, received_at) WHERE outcome = 'unmapped'
            """,
        ]),
        Migration(version: 14, name: "service callbacks' outbox, and the notification columns their payloads carry", statements: [
            // The payloads services are sent (Notify's): the client's own reference, the recipient, the template.
            // Nullable and without defaults, so adding them rewrites no row.
            """
            ALTER TABLE notifications
                ADD COLUMN IF NOT EXISTS client_reference text,
                ADD COLUMN IF NOT EXISTS "to" text,
                ADD COLUMN IF NOT EXISTS template_id uuid,
                ADD COLUMN IF NOT EXISTS template_version integer
            """,
            // One row per callback owed to a service, written by the transaction that made the change it reports,
            // so nothing applied lacks its callback and nothing rolled back has one. The payload is the
            // notification as that change left it: a later change does not rewrite what an earlier callback says.
            // The idempotency key is sent with every attempt of the row. A replica that takes a row sets its lease
            // past the time a send can take, and a replica that dies mid-send leaves the row due again when the
            // lease runs out. The lease is a column no index reads, and half of each page is left free, so that
            // taking a row is a heap-only update (no index entries). A sent row is deleted: it owes nothing more.
            """
            CREATE TABLE IF NOT EXISTS service_callback_outbox (
                id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                notification_id  uuid NOT NULL,
                service_id       uuid NOT NULL,
                callback_type    text NOT NULL CHECK (callback_type IN ('delivery-status', 'complaint')),
                payload          text NOT NULL,
                idempotency_key  uuid NOT NULL DEFAULT gen_random_uuid(),
                state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed', 'dead')),
                attempts         integer NOT NULL DEFAULT 0,
                next_attempt_at  timestamptz NOT NULL DEFAULT now(),
                leased_until     timestamptz,
                last_status_code integer,
                last_error       text,
                created_at       timestamptz NOT NULL DEFAULT now(),
                completed_at     timestamptz
            ) WITH (fillfactor = 50)
            """,
            // The dispatcher's poll: pending rows by when they are due. Partial, so it holds only what is owed.
            """
            CREATE INDEX IF NOT EXISTS service_callback_outbox_due_idx
                ON service_callback_outbox (next_attempt_at) WHERE state = 'pending'
            """,
            // Order per notification: a row is sent only when no earlier pending row of its notification and type
            // is left. Not partial: a partial index of pending rows, estimated empty when every row was settled,
            // lost to the due index read whole.
            """
            CREATE INDEX IF NOT EXISTS service_callback_outbox_order_idx
                ON service_callback_outbox (notification_id, callback_type, id)
            """,
            // Retention, and the operator's list of what was given up: every row that stays once settled.
            """
            CREATE INDEX IF NOT EXISTS service_callback_outbox_ended_idx
                ON service_callback_outbox (state, service_id, id) WHERE state IN ('failed', 'dead')
            """,
        ]),
        Migration(version: 15, name: "callback receipts partitioned by day", online: [
            // The existing table becomes one partition, "legacy", for everything received before a bound. Attaching
            // it must neither scan it nor build an index while the table is locked against reads and writes, so
            // what attaching needs is made first, here, while receipts keep flowing: the indexes the partitioned
            // table has and this one lacks (built concurrently), and CHECK constraints that prove the partition's
            // range (added NOT VALID, which holds the lock only for a moment, then validated under a lock that lets
            // reads and writes through). See docs/production.md for how long each step takes on a large table.
            //
            // An index build that was interrupted leaves an invalid index that IF NOT EXISTS would keep: dropped
            // here so that it is built again.
            #"""
            DO $$
            BEGIN
                IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                            WHERE c.relname = 'callback_receipts_id_received_idx' AND NOT i.indisvalid) THEN
                    DROP INDEX callback_receipts_id_received_idx;
                END IF;
            END $$
            """#,
            // The primary key of a partitioned table includes its partition key.
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS callback_receipts_id_received_idx ON callback_receipts (id, received_at)",
            // A partitioned table cannot have a unique index on the body's key alone, and a lookup of the key in
            // every partition would lock and open each of them for every receipt: the keys get an unpartitioned
            // table of their own, which `ON CONFLICT` can wait on as it did on the old unique index. Filled here
            // with the keys stored so far, while receipts keep flowing (one long statement: on a large table, minutes;
            // it blocks no one); the conversion copies under its lock only the keys stored since this copy began,
            // whose time is kept in the table's comment. A receipt's transaction is far shorter than the hour
            // of margin, so a receipt that began before the copy and committed after it is among them.
            """
            CREATE TABLE IF NOT EXISTS callback_receipt_keys (
                dedupe_key  bytea PRIMARY KEY,
                received_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS callback_receipt_keys_received_idx ON callback_receipt_keys (received_at)",
            #"""
            DO $$
            BEGIN
                EXECUTE format('COMMENT ON TABLE callback_receipt_keys IS %L', now());
                INSERT INTO callback_receipt_keys (dedupe_key, received_at)
                SELECT dedupe_key, received_at FROM callback_receipts
                ON CONFLICT (dedupe_key) DO NOTHING;
            END $$
            """#,
            // The bound is the start of the day after tomorrow (UTC), or later if a receipt is dated later: every
            // receipt written until this migration finishes, even one that runs across midnight, satisfies it.
            // It is kept in the constraint's comment for the step that attaches the table. One left by a run that
            // failed after this step is made again when less than a day is left before its bound, so that receipts
            // the old version stores meanwhile are never refused by it.
            #"""
            DO $$
            DECLARE
                bound timestamptz;
            BEGIN
                SELECT obj_description(oid, 'pg_constraint')::timestamptz INTO bound
                  FROM pg_constraint
                 WHERE conname = 'callback_receipts_legacy_range' AND conrelid = 'callback_receipts'::regclass;
                IF bound >= now() + interval '1 day' THEN RETURN; END IF;
                ALTER TABLE callback_receipts DROP CONSTRAINT IF EXISTS callback_receipts_legacy_range;
                SELECT greatest(date_trunc('day', now() AT TIME ZONE 'UTC') + interval '2 days',
                                date_trunc('day', max(received_at) AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC'
                  INTO bound FROM callback_receipts;
                EXECUTE format('ALTER TABLE callback_receipts ADD CONSTRAINT callback_receipts_legacy_range '
                               'CHECK (received_at < %L) NOT VALID', bound);
                EXECUTE format('COMMENT ON CONSTRAINT callback_receipts_legacy_range ON callback_receipts IS %L', bound);
            END $$
            """#,
            "ALTER TABLE callback_receipts VALIDATE CONSTRAINT callback_receipts_legacy_range",
            // A partition must have the parent's CHECK constraints valid; version 9 added this one NOT VALID.
            "ALTER TABLE callback_receipts VALIDATE CONSTRAINT callback_receipts_outcome_check",
        ], statements: [
            // The partitions, with their bounds read back from the catalog (NULL for MINVALUE, and both for DEFAULT).
            #"""
            CREATE OR REPLACE FUNCTION callback_receipts_partitions()
                RETURNS TABLE (name text, low timestamptz, high timestamptz, is_default boolean)
                LANGUAGE sql STABLE AS $fn$
                SELECT c.relname::text,
                       substring(b.bound FROM $re$FROM \('([^']*)'\)$re$)::timestamptz,
                       substring(b.bound FROM $re$TO \('([^']*)'\)$re$)::timestamptz,
                       b.bound = 'DEFAULT'
                  FROM pg_inherits i
                  JOIN pg_class c ON c.oid = i.inhrelid
                 CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
                 WHERE i.inhparent = 'callback_receipts'::regclass
                 ORDER BY 2 NULLS FIRST, 3 NULLS LAST
            $fn$
            """#,
            // A table ready to become a partition: the parent's columns, defaults and CHECK constraints, and each of
            // the parent's indexes under the parent index's name and a suffix, so that a plan names the index it
            // reads (`callback_receipts_waiting_due_idx_20261207`). Attaching it then builds nothing.
            #"""
            CREATE OR REPLACE FUNCTION callback_receipts_new_partition(part text, suffix text) RETURNS void
                LANGUAGE plpgsql AS $fn$
            DECLARE
                parent_index record;
            BEGIN
                EXECUTE format('CREATE TABLE %I (LIKE callback_receipts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
                FOR parent_index IN
                    SELECT c.relname::text AS name, i.indisunique AS is_unique,
                           substring(pg_get_indexdef(i.indexrelid) FROM ' USING .*$') AS definition
                      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                     WHERE i.indrelid = 'callback_receipts'::regclass AND NOT i.indisprimary
                LOOP
                    EXECUTE format('CREATE %s INDEX %I ON %I %s', CASE WHEN parent_index.is_unique THEN 'UNIQUE' ELSE '' END,
                                   parent_index.name || '_' || suffix, part, parent_index.definition);
                END LOOP;
                EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id, received_at)', part);
            END
            $fn$
            """#,
            // Adds the partition of one UTC day unless a partition covers it already. The receipts the DEFAULT
            // partition took for that day move into it. Attaching locks the parent only against other schema
            // changes (SHARE UPDATE EXCLUSIVE); receipts keep flowing.
            #"""
            CREATE OR REPLACE FUNCTION callback_receipts_add_day(day date) RETURNS boolean LANGUAGE plpgsql AS $fn$
            DECLARE
                part text := 'callback_receipts_' || to_char(day, 'YYYYMMDD');
                day_start timestamptz := day::timestamp AT TIME ZONE 'UTC';
                day_end timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
            BEGIN
                IF EXISTS (SELECT 1 FROM callback_receipts_partitions() p
                            WHERE NOT p.is_default AND coalesce(p.low, '-infinity') < day_end AND p.high > day_start) THEN
                    RETURN false;
                END IF;
                PERFORM callback_receipts_new_partition(part, to_char(day, 'YYYYMMDD'));
                EXECUTE format($q$
                    WITH moved AS (
                        DELETE FROM callback_receipts_default WHERE received_at >= $1 AND received_at < $2 RETURNING *
                    )
                    INSERT INTO %I SELECT * FROM moved
                    $q$, part) USING day_start, day_end;
                EXECUTE format('ALTER TABLE callback_receipts ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                               part, day_start, day_end);
                RETURN true;
            END
            $fn$
            """#,
            // Removes a whole partition and returns how many receipts went with it. Its `waiting` receipts are not
            // among them: once the partition is detached its range belongs to no partition, so they move, with
            // their ids and times, into the DEFAULT partition. Detaching locks the parent against reads and writes
            // (ACCESS EXCLUSIVE) until the end of this transaction, which copies the few waiting receipts and
            // unlinks the files; the count is taken before, under no lock of the parent. A waiting receipt always
            // has its next attempt set (the receipt statements and the retrier set it whenever the outcome is
            // `waiting`), so `next_attempt_at IS NOT NULL` adds no condition but finds them through the retrier's
            // partial index instead of reading the whole day while the parent is locked. A caller sets lock_timeout
            // so that a long query on the table delays the drop instead of queueing every receipt behind it.
            #"""
            CREATE OR REPLACE FUNCTION callback_receipts_drop_partition(part text) RETURNS bigint LANGUAGE plpgsql AS $fn$
            DECLARE
                total bigint;
                kept bigint;
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM callback_receipts_partitions() p WHERE p.name = part AND NOT p.is_default) THEN
                    RAISE EXCEPTION '% is not a partition of callback_receipts', part;
                END IF;
                EXECUTE format('SELECT count(*) FROM %I', part) INTO total;
                EXECUTE format('ALTER TABLE callback_receipts DETACH PARTITION %I', part);
                EXECUTE format('INSERT INTO callback_receipts OVERRIDING SYSTEM VALUE SELECT * FROM %I '
                               'WHERE outcome = %L AND next_attempt_at IS NOT NULL', part, 'waiting');
                GET DIAGNOSTICS kept = ROW_COUNT;
                EXECUTE format('DROP TABLE %I', part);
                RETURN total - kept;
            END
            $fn$
            """#,
            // The receipts still `waiting`, in a small unpartitioned table of their own, kept by triggers on
            // `callback_receipts`: every receipt looks for waiting ones about its notification (a later receipt waits
            // behind an earlier one), and that lookup in the partitioned table would lock and open every partition
            // and two of its indexes for every receipt. A waiting receipt's key is here too, so that retention keeps
            // the key of a receipt it keeps.
            """
            CREATE TABLE IF NOT EXISTS callback_receipts_waiting (
                receipt_id         bigint PRIMARY KEY,
                received_at        timestamptz NOT NULL,
                notification_id    uuid,
                provider_reference text,
                dedupe_key         bytea NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS callback_receipts_waiting_by_notification_idx ON callback_receipts_waiting (notification_id) WHERE notification_id IS NOT NULL",
            "CREATE INDEX IF NOT EXISTS callback_receipts_waiting_by_provider_reference_idx ON callback_receipts_waiting (provider_reference) WHERE provider_reference IS NOT NULL",
            "CREATE INDEX IF NOT EXISTS callback_receipts_waiting_by_key_idx ON callback_receipts_waiting (dedupe_key)",
            // A receipt that starts or stops waiting, or changes while it waits, is written here in the statement
            // that changes it. An upsert, because dropping a day moves its waiting receipts into the DEFAULT
            // partition (an insert) after the detached day was unlinked without a delete.
            #"""
            CREATE OR REPLACE FUNCTION callback_receipts_track_waiting() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                IF TG_OP <> 'INSERT' AND OLD.outcome = 'waiting' AND (TG_OP = 'DELETE' OR NEW.outcome <> 'waiting') THEN
                    DELETE FROM callback_receipts_waiting WHERE receipt_id = OLD.id;
                END IF;
                IF TG_OP <> 'DELETE' AND NEW.outcome = 'waiting' THEN
                    INSERT INTO callback_receipts_waiting (receipt_id, received_at, notification_id, provider_reference, dedupe_key)
                    VALUES (NEW.id, NEW.received_at, NEW.notification_id, NEW.provider_reference, NEW.dedupe_key)
                    ON CONFLICT (receipt_id) DO UPDATE
                       SET received_at = EXCLUDED.received_at, notification_id = EXCLUDED.notification_id,
                           provider_reference = EXCLUDED.provider_reference, dedupe_key = EXCLUDED.dedupe_key;
                END IF;
                RETURN NULL;
            END
            $fn$
            """#,
            // The conversion, under the lock this transaction takes on the old table: renames, a primary key and
            // an attach that use what the online steps prepared, and no scan of the receipts. The identity moves
            // to the new table at the old sequence's next value, so ids stay unique and increasing.
            #"""
            DO $$
            DECLARE
                bound timestamptz := obj_description(
                    (SELECT oid FROM pg_constraint
                      WHERE conname = 'callback_receipts_legacy_range' AND conrelid = 'callback_receipts'::regclass),
                    'pg_constraint')::timestamptz;
                next_id bigint;
                old_index record;
            BEGIN
                LOCK TABLE callback_receipts IN ACCESS EXCLUSIVE MODE;
                INSERT INTO callback_receipt_keys (dedupe_key, received_at)
                SELECT dedupe_key, received_at FROM callback_receipts
                 WHERE received_at >= coalesce(obj_description('callback_receipt_keys'::regclass, 'pg_class')::timestamptz,
                                               '-infinity') - interval '1 hour'
                ON CONFLICT (dedupe_key) DO NOTHING;
                COMMENT ON TABLE callback_receipt_keys IS NULL;

                ALTER TABLE callback_receipts RENAME TO callback_receipts_legacy;
                ALTER TABLE callback_receipts_legacy DROP CONSTRAINT callback_receipts_pkey,
                                                     DROP CONSTRAINT callback_receipts_dedupe_key_key;
                ALTER TABLE callback_receipts_legacy
                    ADD CONSTRAINT callback_receipts_legacy_pkey PRIMARY KEY USING INDEX callback_receipts_id_received_idx;
                FOR old_index IN
                    SELECT c.relname::text AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                     WHERE i.indrelid = 'callback_receipts_legacy'::regclass AND NOT i.indisprimary
                LOOP
                    EXECUTE format('ALTER INDEX %I RENAME TO %I', old_index.name, old_index.name || '_legacy');
                END LOOP;
                -- Read by nothing now: the keys and the waiting receipts have tables of their own.
                DROP INDEX IF EXISTS callback_receipts_waiting_notification_idx_legacy,
                                     callback_receipts_waiting_by_reference_idx_legacy;
                SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END INTO next_id FROM callback_receipts_id_seq;
                ALTER TABLE callback_receipts_legacy ALTER COLUMN id DROP IDENTITY;

                CREATE TABLE callback_receipts (
                    id                 bigint GENERATED ALWAYS AS IDENTITY,
                    provider           text NOT NULL,
                    received_at        timestamptz NOT NULL DEFAULT now(),
                    content_type       text,
                    raw_body           text NOT NULL,
                    provider_reference text,
                    notification_id    uuid,
                    raw_status         text NOT NULL,
                    detail_code        text,
                    mapped_target      text,
                    outcome            text NOT NULL,
                    status_written     text,
                    attempts           integer NOT NULL DEFAULT 1,
                    next_attempt_at    timestamptz,
                    provider_timestamp timestamptz,
                    dedupe_key         bytea NOT NULL,
                    history_version    integer,
                    updated_at         timestamptz,
                    PRIMARY KEY (id, received_at),
                    CONSTRAINT callback_receipts_outcome_check CHECK (outcome = ANY (
                        '{applied,duplicate,waiting,orphaned,unmapped,complaint,ignored,invalid}'::text[]))
                ) PARTITION BY RANGE (received_at);
                EXECUTE format('ALTER TABLE callback_receipts ALTER COLUMN id RESTART WITH %s', next_id);
                -- The indexes of versions 2 to 13 that are still read, now one per partition.
                CREATE INDEX callback_receipts_notification_idx ON callback_receipts (notification_id);
                CREATE INDEX callback_receipts_received_stats_idx ON callback_receipts (received_at) INCLUDE (provider, outcome);
                CREATE INDEX callback_receipts_waiting_due_idx ON callback_receipts (next_attempt_at)
                    WHERE outcome = 'waiting' AND next_attempt_at IS NOT NULL;
                CREATE INDEX callback_receipts_unmapped_idx ON callback_receipts (provider, raw_status, detail_code, received_at)
                    WHERE outcome = 'unmapped';

                -- Cloned to every partition, the legacy one as it is attached.
                CREATE TRIGGER callback_receipts_waiting_inserted AFTER INSERT ON callback_receipts
                    FOR EACH ROW WHEN (NEW.outcome = 'waiting') EXECUTE FUNCTION callback_receipts_track_waiting();
                CREATE TRIGGER callback_receipts_waiting_updated AFTER UPDATE ON callback_receipts
                    FOR EACH ROW WHEN (OLD.outcome = 'waiting' OR NEW.outcome = 'waiting')
                    EXECUTE FUNCTION callback_receipts_track_waiting();
                CREATE TRIGGER callback_receipts_waiting_deleted AFTER DELETE ON callback_receipts
                    FOR EACH ROW WHEN (OLD.outcome = 'waiting') EXECUTE FUNCTION callback_receipts_track_waiting();
                INSERT INTO callback_receipts_waiting (receipt_id, received_at, notification_id, provider_reference, dedupe_key)
                SELECT id, received_at, notification_id, provider_reference, dedupe_key
                  FROM callback_receipts_legacy WHERE outcome = 'waiting' AND next_attempt_at IS NOT NULL;

                -- A new installation has nothing to keep: its days start today.
                IF EXISTS (SELECT 1 FROM callback_receipts_legacy) THEN
                    EXECUTE format('ALTER TABLE callback_receipts ATTACH PARTITION callback_receipts_legacy '
                                   'FOR VALUES FROM (MINVALUE) TO (%L)', bound);
                ELSE
                    DROP TABLE callback_receipts_legacy;
                END IF;
                -- Whatever no day's partition takes (a provider's clock far off, a day not yet created) lands here,
                -- so that no receipt is ever refused for its time.
                PERFORM callback_receipts_new_partition('callback_receipts_default', 'default');
                ALTER TABLE callback_receipts ATTACH PARTITION callback_receipts_default DEFAULT;
            END $$
            """#,
            // Today and the two days after it; the retention job adds the days after those as they come.
            """
            SELECT callback_receipts_add_day((now() AT TIME ZONE 'UTC')::date + ahead)
              FROM generate_series(0, 2) AS ahead
            """,
        ]),
    ]
}
