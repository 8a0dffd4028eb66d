extension Provider {
    /// Firetext (SMS), form-encoded receipts.
    public static let firetext = Provider(defining: "firetext")
}

extension ProviderUnit {
    /// Firetext: `POST /notifications/sms/firetext`, a form with `status`, `reference` (our notification id), `code`
    /// and `time`; Basic authentication when credentials are configured.
    public static let firetext = ProviderUnit(
        provider: .firetext,
        displayName: "Firetext",
        channel: .sms,
        metricRoute: .init(module: "sms_callback", endpoint: "process_firetext_response"),
        adapter: FiretextAdapter(),
        authenticity: .basicAuth(ProviderSetting(
            variable: "FIRETEXT_CALLBACK_CREDENTIALS",
            help: "user:password Firetext must present (comma-separated to rotate); open when unset",
            valueName: "user:password",
            isSecret: true
        )),
        setup: """
            Give Firetext the delivery receipt URL `https://<gateway>/notifications/sms/firetext`, with the `user:password` \
            of `FIRETEXT_CALLBACK_CREDENTIALS` in it if Firetext is to authenticate (`https://user:password@<gateway>/...`). \
            Send each message with our notification id as Firetext's `reference`.
            """
    )
}
