extension Provider {
    /// SendGrid (email), the Event Webhook: batches of events as a JSON array.
    public static let sendgrid = Provider(defining: "sendgrid")
}

extension ProviderUnit {
    /// SendGrid: `POST /notifications/email/sendgrid`, a JSON array of events, each stored as a receipt of its own.
    /// The Signed Event Webhook's signature (`X-Twilio-Email-Event-Webhook-Signature`) is ECDSA P-256 with SHA-256
    /// over the `X-Twilio-Email-Event-Webhook-Timestamp` header followed by the raw body.
    public static let sendgrid = ProviderUnit(
        provider: .sendgrid,
        displayName: "SendGrid",
        channel: .email,
        metricRoute: .init(module: "email_callback", endpoint: "process_sendgrid_response"),
        adapter: SendGridAdapter(),
        authenticity: .signature(SignatureScheme(
            summary: "Signed Event Webhook: ECDSA P-256 with SHA-256 over `X-Twilio-Email-Event-Webhook-Timestamp` followed by the raw body, signature in `X-Twilio-Email-Event-Webhook-Signature`; the timestamp may be at most a day old",
            settings: [SendGridSignature.publicKeys]
        ) { values throws(ProviderSettingError) in
            try SendGridSignature.make(values)
        }),
        headers: [SendGridSignature.signatureHeader, SendGridSignature.timestampHeader],
        bodyLimit: BodyLimit(
            setting: ProviderSetting(
                variable: "SENDGRID_MAX_BODY_BYTES",
                help: "the largest batch of events the SendGrid route takes, in bytes (default 4194304, 4 MiB)",
                valueName: "bytes",
                isSecret: false
            ),
            defaultBytes: 4 * 1024 * 1024,
            range: (64 * 1024)...(64 * 1024 * 1024)
        ),
        fixtureSigner: SendGridFixtureSigner(),
        setup: """
            In Mail Settings, Event Webhook, set the HTTP Post URL `https://<gateway>/notifications/email/sendgrid`, \
            choose the delivery events (Processed, Dropped, Deferred, Bounced, Delivered, Spam Report; engagement \
            events are stored as `ignored`), turn on Signed Event Webhook and put its verification key in \
            `SENDGRID_WEBHOOK_PUBLIC_KEYS`. Send each message with the custom argument `notification_id` set to our id, \
            or keep the `X-Message-Id` SendGrid answered the send with as the notification's `reference`. A batch's \
            events are stored in one transaction, each as its own receipt.
            """
    )
}
