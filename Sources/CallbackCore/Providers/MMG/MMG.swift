extension Provider {
    /// MMG (SMS), JSON receipts.
    public static let mmg = Provider(defining: "mmg")
}

extension ProviderUnit {
    /// MMG: `POST /notifications/sms/mmg`, JSON with `CID` (our notification id), `reference`, `status` and
    /// `substatus`; Basic authentication when credentials are configured.
    public static let mmg = ProviderUnit(
        provider: .mmg,
        displayName: "MMG",
        channel: .sms,
        metricRoute: .init(module: "sms_callback", endpoint: "process_mmg_response"),
        adapter: MMGAdapter(),
        authenticity: .basicAuth(ProviderSetting(
            variable: "MMG_CALLBACK_CREDENTIALS",
            help: "user:password MMG must present (comma-separated to rotate); open when unset",
            valueName: "user:password",
            isSecret: true
        ))
    )
}
