/// Why a key, certificate or signature could not be made with OpenSSL.
public struct SigningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed, and OpenSSL's reason when it gave one.
    public var description: String

    /// Creates an error; OpenSSL's queued reason, if any, is appended (and the queue emptied).
    init(_ step: String) {
        description = step + OpenSSLErrorQueue.drain()
    }
}
