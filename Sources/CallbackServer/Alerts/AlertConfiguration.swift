import Foundation

/// Where and how often ``UnmappedAlerter`` tells an operator about statuses the mapping does not know.
///
/// There is no "disabled" value: without `ALERT_WEBHOOK_URL` there is no configuration and no alerter (unmapped
/// receipts are still logged and counted).
public struct AlertConfiguration: Sendable {
    /// The webhook alerts are POSTed to (`ALERT_WEBHOOK_URL`), `http` or `https`; Slack's incoming webhooks and
    /// anything else that takes `{"text": ...}` work. ``AlertWebhookURL/parse(_:)`` checks a configured value.
    public var webhookURL: URL
    /// The least time between two alerts about the same status on this replica (`ALERT_COOLDOWN`); occurrences in
    /// between are summed into the next alert. ``AlertCooldown/parse(_:)`` reads the configured value.
    public var cooldown: Duration
    /// How long one POST to the webhook may take before it is abandoned and retried at the next cooldown.
    public var timeout: Duration

    /// Creates a configuration; the defaults are those of the documentation (15 minutes, 5 seconds).
    public init(webhookURL: URL, cooldown: Duration = .seconds(900), timeout: Duration = .seconds(5)) {
        self.webhookURL = webhookURL
        self.cooldown = cooldown
        self.timeout = timeout
    }
}
