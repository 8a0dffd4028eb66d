extension Provider {
    /// Postmark (email), JSON webhooks.
    public static let postmark = Provider(defining: "postmark")
}

extension ProviderUnit {
    /// Postmark: `POST /notifications/email/postmark`, one event per request (`RecordType` Delivery, Bounce,
    /// SpamComplaint, Open, Click, SubscriptionChange). Postmark signs nothing: its webhooks carry Basic
    /// authentication when the webhook URL holds credentials (`https://user:password@host/...`).
    public static let postmark = ProviderUnit(
        provider: .postmark,
        displayName: "Postmark",
        channel: .email,
        metricRoute: .init(module: "email_callback", endpoint: "process_postmark_response"),
        adapter: PostmarkAdapter(),
        authenticity: .basicAuth(ProviderSetting(
            variable: "POSTMARK_CALLBACK_CREDENTIALS",
            help: "user:password Postmark must present, as given in its webhook URL (comma-separated to rotate); open when unset",
            valueName: "user:password",
            isSecret: true
        )),
        setup: """
            In the message stream's webhooks, add `https://user:password@<gateway>/notifications/email/postmark` with the \
            credentials of `POSTMARK_CALLBACK_CREDENTIALS` (Postmark sends them as Basic authentication), and tick \
            Delivery, Bounce and Spam Complaint (opens and clicks are stored as `ignored` if ticked). Send each message \
            with `Metadata: {"notification_id": "<our id>"}`, or keep Postmark's `MessageID` as the notification's \
            `reference`.
            """
    )
}
