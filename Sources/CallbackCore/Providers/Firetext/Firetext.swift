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
        ))
    )
}
