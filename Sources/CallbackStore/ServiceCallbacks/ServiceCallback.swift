import CallbackCore
import Foundation

/// A service's callback as the gateway keeps it: where to send, and the bearer token sealed (``TokenSealer``).
public struct ServiceCallback: Sendable, Hashable {
    /// The service it belongs to.
    public var serviceID: UUID
    /// What it is told.
    public var type: ServiceCallbackType
    /// Where it is sent.
    public var url: String
    /// The bearer token, sealed; never shown, never logged.
    public var sealedToken: [UInt8]
    /// When it was registered first.
    public var createdAt: Date
    /// When it was last changed.
    public var updatedAt: Date
}
