import CallbackCore
import Foundation

/// A callback taken from the outbox to be sent: what to send, and where its service wants it now.
public struct OutboxCallback: Sendable, Hashable {
    /// The outbox row.
    public var id: Int64
    /// The notification it reports on.
    public var notificationID: UUID
    /// The service it is owed to.
    public var serviceID: UUID
    /// What it tells.
    public var type: ServiceCallbackType
    /// The JSON body, as written when the change was made.
    public var payload: String
    /// Sent with every attempt, so the service can drop a repeat.
    public var idempotencyKey: UUID
    /// Attempts made, counting this one.
    public var attempts: Int
    /// When the change it reports was made (the receipt's transaction).
    public var createdAt: Date
    /// The service's callback URL now, or `nil` when its registration was removed since.
    public var url: String?
    /// The bearer token, sealed; `nil` with ``url``.
    public var sealedToken: [UInt8]?
}

/// What became of an attempt, as the outbox records it.
public enum OutboxSettlement: Sendable, Hashable {
    /// Delivered (the service's 2xx status).
    case sent(status: Int)
    /// Try again after `delay` seconds.
    case retry(after: Double, status: Int?, reason: String)
    /// Refused by the service; not tried again.
    case failed(status: Int?, reason: String)
    /// Given up after the last attempt.
    case dead(status: Int?, reason: String)
    /// Not attempted (its host is paused or busy): due again after `delay` seconds, the attempt not counted.
    case postponed(after: Double)
}

/// A row of the outbox as an operator sees it (`service-callbacks outbox`).
public struct OutboxEntry: Sendable, Hashable {
    /// The outbox row.
    public var id: Int64
    /// The notification it reports on.
    public var notificationID: UUID
    /// The service it is owed to.
    public var serviceID: UUID
    /// What it tells.
    public var type: ServiceCallbackType
    /// Where it stands.
    public var state: OutboxState
    /// Attempts made.
    public var attempts: Int
    /// The last HTTP status the service answered, if any.
    public var lastStatusCode: Int?
    /// Why the last attempt did not succeed.
    public var lastError: String?
    /// When the change it reports was made.
    public var createdAt: Date
    /// When a pending callback is due.
    public var nextAttemptAt: Date
}
