extension Provider {
    /// Vonage SMS API (SMS), delivery receipts as a form or JSON.
    public static let vonage = Provider(defining: "vonage")
}

extension ProviderUnit {
    /// Vonage: `POST /notifications/sms/vonage`, a delivery receipt with `messageId`, `status`, `err-code` and our
    /// notification id in `client-ref`. Signed receipts carry `sig`, `timestamp` and `nonce`: the parameters sorted
    /// and hashed with the signature secret (MD5 hash, or an HMAC), as Vonage documents.
    public static let vonage = ProviderUnit(
        provider: .vonage,
        displayName: "Vonage",
        channel: .sms,
        metricRoute: .init(module: "sms_callback", endpoint: "process_vonage_response"),
        adapter: VonageAdapter(),
        authenticity: .signature(SignatureScheme(
            summary: "`sig`: every other parameter sorted by name, values with `&` and `=` replaced by `_`, joined as `&name=value...`, then the MD5 hash of that followed by the signature secret (`md5hash`) or its HMAC keyed by the secret (`md5`, `sha1`, `sha256`, `sha512`), hexadecimal in either case; the signed `timestamp` may be at most a day old",
            settings: [VonageSignature.secrets, VonageSignature.method]
        ) { values throws(ProviderSettingError) in
            try VonageSignature.make(values)
        }),
        fixtureSigner: VonageFixtureSigner(),
        setup: """
            Set the account's delivery receipt webhook to `https://<gateway>/notifications/sms/vonage` (POST, form or \
            JSON), ask Vonage to sign webhooks, and put the signature secret and method in `VONAGE_SIGNATURE_SECRETS` \
            and `VONAGE_SIGNATURE_METHOD`. Send each message with `client-ref` set to our notification id: every part \
            of a long message carries it back. Without it, the notification's `reference` must be the \
            `message-id` Vonage answered the send with; a long message has one per part, and the receipts of \
            the parts not kept wait for a match and end `orphaned`.
            """
    )
}
