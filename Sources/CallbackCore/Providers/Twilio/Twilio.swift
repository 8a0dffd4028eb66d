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
        authenticity: .signature(SignatureScheme(settings: [TwilioSignature.authTokens, TwilioSignature.callbackURL]) { values throws(ProviderSettingError) in
            try TwilioSignature.make(values)
        }),
        headers: [TwilioSignature.header],
        fixtureSigner: TwilioFixtureSigner()
    )
}
