import CallbackCore
import Foundation

/// Confirms an SNS subscription by visiting its `SubscribeURL`, as SNS asks, once the message is verified.
///
/// The URL must pass ``SNSURLPolicy/subscribeURL(_:)`` (https on `sns.<region>.amazonaws.com`), and the GET
/// follows no redirect, so a message can never make the gateway call anywhere but Amazon SNS.
public struct SubscriptionConfirmer: Sendable {
    private let opener: any SNSURLOpener

    /// A confirmer making its GETs with `opener`.
    public init(opener: any SNSURLOpener) {
        self.opener = opener
    }

    /// Confirms through `subscribeURL`; returns when SNS answered 2xx.
    ///
    /// - Throws: ``SubscriptionConfirmationError`` saying why the subscription is not confirmed.
    public func confirm(_ subscribeURL: String?) async throws(SubscriptionConfirmationError) {
        guard let subscribeURL else { throw .urlRefused(nil) }
        let url: URL
        do {
            url = try SNSURLPolicy.subscribeURL(subscribeURL)
        } catch {
            throw .urlRefused(error)
        }
        let answer: SNSHTTPAnswer
        do {
            answer = try await opener.get(url)
        } catch {
            throw .http(error)
        }
        guard (200..<300).contains(answer.status) else { throw .status(answer.status) }
    }
}
