import NIOCore

/// Sits in a callback connection in front of the HTTP decoder (behind TLS, so it sees what the service sent, not TLS
/// records) for the connection's whole life, and tells the exchanges on it whether any byte of a response came.
///
/// That is what makes the retry of a send on a reused connection safe to decide: a connection that failed before a
/// single byte of the answer arrived was closed by the service between requests (its idle time-out met our
/// request), while one that failed part way through an answer may have been acted on and is answered as it is.
///
/// Between exchanges the connection is idle, and nothing may arrive: bytes then would be taken for the start of the
/// next request's answer, so they close the connection instead (a service announcing its idle close with a 408 is
/// one such case).
final class ServiceCallbackConnectionWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Whether an exchange is waiting for its response.
    private var expecting = false
    /// Whether any byte of the current response has arrived.
    private(set) var responseStarted = false

    /// An exchange has written its request: what arrives from now on is its response.
    func expectResponse() {
        expecting = true
        responseStarted = false
    }

    /// The exchange is over and the connection idle.
    func idle() {
        expecting = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard expecting else {
            context.close(promise: nil)
            return
        }
        if unwrapInboundIn(data).readableBytes > 0 { responseStarted = true }
        context.fireChannelRead(data)
    }
}
