extension Provider {
    /// Mailgun (email), JSON webhooks.
    public static let mailgun = Provider(defining: "mailgun")
}

extension ProviderUnit {
    /// Mailgun: `POST /notifications/email/mailgun`, `{"signature": {...}, "event-data": {...}}` per event. The
    /// signature is a hex HMAC-SHA256 of `timestamp` and `token` keyed by the webhook signing key; it does not cover
    /// the event, so each token is accepted once, across every replica, and only for a day after its timestamp.
    public static let mailgun = ProviderUnit(
        provider: .mailgun,
        displayName: "Mailgun",
        channel: .email,
        metricRoute: .init(module: "email_callback", endpoint: "process_mailgun_response"),
        adapter: MailgunAdapter(),
        authenticity: .signature(SignatureScheme(settings: [MailgunSignature.signingKeys]) { values throws(ProviderSettingError) in
            try SignatureSettings.list(MailgunSignature.signingKeys, in: values).map(MailgunSignature.init(keys:))
        }),
        fixtureSigner: MailgunFixtureSigner()
    )
}
