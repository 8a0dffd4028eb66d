extension Provider {
    /// Mailgun (email), JSON webhooks.
    public static let mailgun = Provider(defining: "mailgun")
}

extension ProviderUnit {
    /// Mailgun: `POST /notifications/email/mailgun`, `{"signature": {...}, "event-data": {...}}` per event. The
    /// signature is a hex HMAC-SHA256 of `timestamp` and `token` keyed by the webhook signing key; it does not cover
    /// the event, so each token goes with one body, across every replica, and only for a day after its timestamp.
    public static let mailgun = ProviderUnit(
        provider: .mailgun,
        displayName: "Mailgun",
        channel: .email,
        metricRoute: .init(module: "email_callback", endpoint: "process_mailgun_response"),
        adapter: MailgunAdapter(),
        authenticity: .signature(SignatureScheme(
            summary: "hex HMAC-SHA256 of `signature.timestamp` and `signature.token`, keyed by the webhook signing key; the signature does not cover the event, so each token goes with one body, across every replica (the same request again is a resend; the token with another body is refused), and the timestamp may be at most a day old",
            settings: [MailgunSignature.signingKeys]
        ) { values throws(ProviderSettingError) in
            try SignatureSettings.list(MailgunSignature.signingKeys, in: values).map(MailgunSignature.init(keys:))
        }),
        fixtureSigner: MailgunFixtureSigner(),
        setup: """
            In the domain's webhooks, set `https://<gateway>/notifications/email/mailgun` for Delivered, Permanent \
            Failure, Temporary Failure and Spam Complaints, and put the domain's HTTP webhook signing key in \
            `MAILGUN_WEBHOOK_SIGNING_KEYS`. Send each message with the variable `v:notification_id` set to our id, or \
            keep the message id Mailgun answered the send with (without `<>`) as the notification's `reference`.
            """
    )
}
