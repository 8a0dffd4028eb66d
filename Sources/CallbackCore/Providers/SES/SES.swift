extension Provider {
    /// Amazon SES (email), receipts pushed through SNS.
    public static let ses = Provider(defining: "ses")
}

extension ProviderUnit {
    /// SES through SNS: `POST /notifications/email/ses`, an SNS envelope whose `Message` is the SES event; every
    /// message's SNS signature is checked against SNS's certificate (settings `SNS_*`), and subscription
    /// confirmations are answered.
    public static let ses = ProviderUnit(
        provider: .ses,
        displayName: "SES",
        channel: .email,
        metricRoute: .init(module: "ses_callback", endpoint: "process_ses_response"),
        adapter: SESAdapter(),
        authenticity: .snsSignature,
        headers: ["x-amz-sns-message-type"],
        setup: """
            Publish SES's delivery, bounce and complaint notifications to an SNS topic, name that topic in \
            `SNS_TOPIC_ARNS`, and subscribe `https://<gateway>/notifications/email/ses` to it (HTTPS). The gateway \
            confirms the subscription itself (or logs its URL with `SNS_CONFIRM_SUBSCRIPTIONS=no`). The notification's \
            `reference` must be the `MessageId` SES answered the send with.
            """
    )
}
