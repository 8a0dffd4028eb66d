/// A host and port to listen on.
public struct ListenAddress: Sendable, Hashable {
    /// The address, a host name or an IP literal.
    public var host: String
    /// The TCP port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}
