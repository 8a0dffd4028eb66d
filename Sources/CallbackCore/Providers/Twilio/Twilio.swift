extension Provider {
    /// Twilio Programmable Messaging (SMS), form-encoded status callbacks.
    public static let twilio = Provider(defining: "twilio")
}

extension ProviderUnit {
    /// Twilio: `POST /notifications/sms/twilio`, a form with `MessageSid` (the notification's reference),
    /// `MessageStatus` and, for failures, `ErrorCode`. `X-Twilio-Signature` is the base64 HMAC-SHA1, keyed by an auth
    /// token, of the public URL Twilio called followed by every posted parameter sorted by name.
    public static let twilio = ProviderUnit(
        provider: .twilio,
        displayName: "Twilio",
        channel: .sms,
        metricRoute: .init(module: "sms_callback", endpoint: "process_twilio_response"),
        adapter: TwilioAdapter(),
        authenticity: .signature(SignatureScheme(
            summary: "`X-Twilio-Signature`: base64 HMAC-SHA1, keyed by an auth token, of `TWILIO_CALLBACK_URL` followed by every posted parameter sorted by name, each name then its value (the URL is also tried with its default port and without a port, as Twilio's validator does)",
            settings: [TwilioSignature.authTokens, TwilioSignature.callbackURL]
        ) { values throws(ProviderSettingError) in
            try TwilioSignature.make(values)
        }),
        headers: [TwilioSignature.header],
        fixtureSigner: TwilioFixtureSigner(),
        setup: """
            Send each message with `StatusCallback` set to the gateway's public URL for this route, exactly as in \
            `TWILIO_CALLBACK_URL` (the signature covers it), and put the account's auth token in `TWILIO_AUTH_TOKENS`. \
            The notification's `reference` must be the `sid` Twilio answered the send with (`MessageSid`).
            """
    )
}
