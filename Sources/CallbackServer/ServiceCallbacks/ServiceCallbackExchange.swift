import NIOCore
import NIOHTTP1

/// The part of a service's answer that matters: its status and `Retry-After`.
struct ServiceCallbackResponseHead: Sendable {
    var status: Int
    var retryAfter: String?
}

/// The connection closed before the service answered.
struct ServiceCallbackClosedEarly: Error {}

/// The last handler of a callback connection: sends the one request once the connection is up, completes `answer`
/// with the response head as soon as it arrives, then reads and discards the body (at most `bodyLimit` bytes) and
/// closes the connection, which never carries a second request.
///
/// Once the head has arrived it also closes the connection at `deadline`, so a service that trickles a body after its
/// head cannot keep a connection open past the send's time limit (the caller has its answer and no longer waits).
/// Before the head, the time limit is the sender's: it cancels the exchange, which closes the connection.
final class ServiceCallbackExchange: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let head: HTTPRequestHead
    private let body: [UInt8]
    private let answer: EventLoopPromise<ServiceCallbackResponseHead>
    private let deadline: NIODeadline
    private let bodyLimit: Int
    private var sent = false
    private var bodyBytes = 0
    private var closeTimer: Scheduled<Void>?

    init(head: HTTPRequestHead, body: [UInt8], answer: EventLoopPromise<ServiceCallbackResponseHead>, deadline: NIODeadline, bodyLimit: Int) {
        self.head = head
        self.body = body
        self.answer = answer
        self.deadline = deadline
        self.bodyLimit = bodyLimit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendRequest(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closeTimer?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        sendRequest(context: context)
        context.fireChannelActive()
    }

    /// Writes the request; with TLS, the handler in front of this one holds it until the handshake is done.
    private func sendRequest(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let response):
            answer.succeed(ServiceCallbackResponseHead(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After")))
            if closeTimer == nil {
                let channel = context.channel
                closeTimer = context.eventLoop.scheduleTask(deadline: deadline) { channel.close(promise: nil) }
            }
        case .body(let buffer):
            // Only the status matters; a body is read so the service sees a normal end, up to a limit past which
            // reading it is wasted work.
            bodyBytes += buffer.readableBytes
            if bodyBytes > bodyLimit { context.close(promise: nil) }
        case .end:
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A promise completes once: after the head has arrived this changes nothing.
        answer.fail(ServiceCallbackClosedEarly())
        closeTimer?.cancel()
        context.fireChannelInactive()
    }
}
