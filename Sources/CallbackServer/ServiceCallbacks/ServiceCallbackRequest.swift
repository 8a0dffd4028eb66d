import Foundation

/// One POST of a service callback.
public struct ServiceCallbackRequest: Sendable {
    /// Where to send it: already accepted by `CallbackURLPolicy.url(_:)` at registration, and checked again (with the
    /// addresses its host resolves to now) by ``ServiceCallbackSender`` before every send.
    public var url: URL
    /// The service's bearer token, sent as `Authorization: Bearer <token>`; never logged nor put in an answer.
    public var bearerToken: String
    /// The `Idempotency-Key` header: the same for every attempt of one callback, so the service can drop repeats.
    public var idempotencyKey: String
    /// The JSON body.
    public var body: [UInt8]

    /// A request.
    public init(url: URL, bearerToken: String, idempotencyKey: String, body: [UInt8]) {
        self.url = url
        self.bearerToken = bearerToken
        self.idempotencyKey = idempotencyKey
        self.body = body
    }
}
