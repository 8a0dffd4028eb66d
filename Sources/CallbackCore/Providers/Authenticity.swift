import Foundation

/// How the gateway knows a request on a provider's route came from that provider.
public enum Authenticity: Sendable {
    /// HTTP Basic authentication with one of the `user:password` pairs of a setting (comma-separated, to rotate);
    /// without any, the route is open (warned at start-up). Refused: 401.
    case basicAuth(ProviderSetting)
    /// SNS message signatures, checked by the server's SNS gate: it fetches SNS's signing certificates, so the check
    /// is not pure (SES; settings `SNS_*`). Refused: 403.
    case snsSignature
    /// A signature over the request, checked in pure code with the provider's configured secrets. Without its
    /// secrets, the route refuses every request (warned at start-up). Refused: 403.
    case signature(SignatureScheme)
}

/// A provider's signature check, as it is set up from its settings.
public struct SignatureScheme: Sendable {
    /// What is signed and how, for the documentation.
    public let summary: String
    /// The settings the check reads.
    public let settings: [ProviderSetting]
    /// Builds the check from the settings' values (by variable; only those given are present); `nil` when the
    /// secrets it needs are not given.
    public let make: @Sendable ([String: String]) throws(ProviderSettingError) -> (any RequestAuthenticator)?

    /// Creates a scheme.
    public init(
        summary: String,
        settings: [ProviderSetting],
        make: @escaping @Sendable ([String: String]) throws(ProviderSettingError) -> (any RequestAuthenticator)?
    ) {
        self.summary = summary
        self.settings = settings
        self.make = make
    }
}

/// Checks, in pure code over a request's bytes and headers and the secrets it was configured with, that the request
/// came from its provider.
public protocol RequestAuthenticator: Sendable {
    /// Checks a request; `now` is the moment to judge its timestamp against, where it has one.
    func authenticate(_ payload: CallbackPayload, now: Date) -> Authentication
}

/// What a check made of a request.
public enum Authentication: Sendable, Hashable {
    /// It came from the provider. `oneTimeToken` is a value that must be accepted once only, across every replica,
    /// because the signature does not cover the body (Mailgun's `token`): the store claims it with the receipt.
    case authentic(oneTimeToken: String? = nil)
    /// It did not, or cannot be shown to have; the reason is for the log (it names no secret and no value from the
    /// body) and never goes back to the client.
    case refused(String)
}
