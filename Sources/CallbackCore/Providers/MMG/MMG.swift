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
        )),
        setup: """
            Give MMG the delivery receipt URL `https://<gateway>/notifications/sms/mmg`, with the credentials of \
            `MMG_CALLBACK_CREDENTIALS` if MMG is to authenticate. Send each message with our notification id as MMG's `CID`.
            """
    )
}
