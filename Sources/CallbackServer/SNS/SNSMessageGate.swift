import CallbackCore
import Foundation

/// What the SES route needs to trust SNS: the verifier with its certificate cache, the subscription confirmer,
/// and the settings. One per router, so the cache lives as long as the application.
public struct SNSMessageGate: Sendable {
    /// The settings in force.
    public let configuration: SNSConfiguration
    /// Checks every message before the SES adapter reads it.
    public let verifier: SNSVerifier
    /// Confirms verified subscription confirmations.
    public let confirmer: SubscriptionConfirmer

    /// Builds the gate for `configuration`.
    ///
    /// - Parameters:
    ///   - certificateFetcher: where certificates come from; by default the folder `certificateDirectory` when it
    ///     is set, else Amazon over https. Either way behind a cache.
    ///   - subscriptionOpener: what performs the confirmation GET; by default `URLSession`, without redirects.
    ///   - now: the clock certificates' validity is checked against.
    public init(
        configuration: SNSConfiguration,
        certificateFetcher: (any SNSCertificateFetcher)? = nil,
        subscriptionOpener: (any SNSURLOpener)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        let fetcher: any SNSCertificateFetcher = certificateFetcher
            ?? configuration.certificateDirectory.map { CertificateFolder(path: $0) }
            ?? URLSessionCertificateFetcher(timeout: configuration.requestTimeout)
        verifier = SNSVerifier(configuration: configuration, certificates: SNSCertificateCache(fetcher: fetcher), now: now)
        confirmer = SubscriptionConfirmer(opener: subscriptionOpener ?? URLSessionOpener(timeout: configuration.requestTimeout))
    }
}
