/// The body of a Slack-compatible webhook call: `{"text": "..."}`, the one field every such webhook (Slack,
/// Mattermost, Rocket.Chat, Google Chat, Teams workflows) reads.
struct WebhookMessage: Encodable {
    let text: String
}
