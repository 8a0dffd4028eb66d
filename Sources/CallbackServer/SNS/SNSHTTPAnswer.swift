/// An HTTP answer to a GET: the status, and the body when there was one.
public struct SNSHTTPAnswer: Sendable, Hashable {
    /// The HTTP status; a redirection (3xx) is an answer like any other, never followed.
    public var status: Int
    /// The body.
    public var body: [UInt8]

    /// Creates an answer.
    public init(status: Int, body: [UInt8] = []) {
        self.status = status
        self.body = body
    }
}
