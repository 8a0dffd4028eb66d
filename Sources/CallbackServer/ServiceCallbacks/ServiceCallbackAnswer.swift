/// What became of one POST of a service callback. The reasons are for an operator: they name the host and what
/// happened, and never hold the bearer token or the URL's path or query.
public enum ServiceCallbackAnswer: Sendable, Equatable {
    /// The service answered 2xx: the callback is delivered.
    case accepted(status: Int)
    /// Worth trying again later: a network or TLS error, the time limit, 5xx or 429. `status` is the service's
    /// answer when there was one; `retryAfter` its `Retry-After`, clamped to 0 ... 1 h, when it sent a valid one.
    case retryable(status: Int?, retryAfter: Duration?, reason: String)
    /// The service answered, and trying again will not change it: any other 4xx, and 1xx or 3xx (redirects are not
    /// followed, since the registered URL is the one that was checked).
    case refused(status: Int, reason: String)
    /// Not sent, by the URL policy: the URL's form is not allowed, its host resolves to no address or to one inside
    /// the network, or the token or key cannot be sent in a header. Nothing was sent to the host.
    case blocked(reason: String)
}
