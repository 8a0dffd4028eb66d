/// The common table expressions that owe a service its callbacks: each one inserts an outbox row for every change
/// the statement made whose notification's service has registered a callback of that type. They run inside the
/// statement that makes the change, so the row commits or rolls back with it. (Like ``ReceiptStatements``, this file
/// needs nothing but strings, so that `scripts/bench` compiles it with them.)
///
/// The payloads are Notify's, written as the change left the notification; times as Notify writes them
/// (`2026-12-07T10:15:00.123456Z`).
enum CallbackQueueing {
    /// The columns a `changed` expression must return for ``statusCallbacks(from:)``, besides those of the history
    /// row (``ReceiptStatements/changedColumns`` returns both).
    static let changedColumns = "n.client_reference, n.\"to\", n.template_id, n.template_version"

    /// A delivery-status callback for each row of `changed` (which returns the notification's columns after the
    /// update, with ``changedColumns``).
    static func statusCallbacks(from changed: String) -> String {
        """
        status_callbacks AS (
            INSERT INTO service_callback_outbox (notification_id, service_id, callback_type, payload)
            SELECT c.id, c.service_id, 'delivery-status', json_build_object(
                       'id', c.id, 'reference', c.client_reference, 'to', c."to", 'status', c.status,
                       'created_at', \(time("c.created_at")), 'completed_at', \(time("c.updated_at")),
                       'sent_at', \(time("c.sent_at")), 'notification_type', c.notification_type,
                       'template_id', c.template_id, 'template_version', c.template_version)::text
              FROM \(changed) c
              JOIN service_callbacks s ON s.service_id = c.service_id AND s.callback_type = 'delivery-status'
        )
        """
    }

    /// A complaint callback for the row of `complained` (which returns the complaint's `id`, `notification_id`
    /// and `complained_at`, and at most one row: a receipt stores one complaint). The notification is named by a
    /// value rather than joined: a join planned while the tables looked empty read the whole primary key.
    static func complaintCallbacks(from complained: String) -> String {
        """
        complaint_callbacks AS (
            INSERT INTO service_callback_outbox (notification_id, service_id, callback_type, payload)
            SELECT n.id, n.service_id, 'complaint', json_build_object(
                       'notification_id', n.id, 'complaint_id', k.id::text, 'reference', n.client_reference,
                       'to', n."to", 'complaint_date', \(time("COALESCE(k.complained_at, now())")))::text
              FROM \(complained) k
              JOIN notifications n ON n.id = (SELECT notification_id FROM \(complained))
              JOIN service_callbacks s ON s.service_id = n.service_id AND s.callback_type = 'complaint'
        )
        """
    }

    /// A time as Notify's callbacks write it, in UTC with microseconds; NULL stays NULL.
    private static func time(_ expression: String) -> String {
        "to_char(\(expression) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    }
}
