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
    ]
}
