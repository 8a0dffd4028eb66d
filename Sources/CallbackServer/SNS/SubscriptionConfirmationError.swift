import CallbackCore

/// Why a subscription was not confirmed.
public enum SubscriptionConfirmationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `SubscribeURL` is missing or not an SNS URL; it was not opened.
    case urlRefused(SNSURLProblem?)
    /// The GET brought no answer.
    case http(SNSHTTPError)
    /// SNS answered with a status other than 2xx (a redirect included: it is not followed).
    case status(Int)

    /// What went wrong, in words fit for a log line; never the URL, which holds the subscription's token.
    public var description: String {
        switch self {
        case .urlRefused(let problem): "SubscribeURL refused: \(problem?.description ?? "missing")"
        case .http(let error): "the confirmation request failed: \(error)"
        case .status(let status): "SNS answered the confirmation with HTTP \(status)"
        }
    }
}
