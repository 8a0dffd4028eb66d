import NIOCore
import NIOHTTP1
import NIOSSL

/// The part of a service's answer that matters: its status and `Retry-After`.
struct ServiceCallbackResponseHead: Sendable {
    var status: Int
    var retryAfter: String?
}

/// The connection closed before the service answered.
struct ServiceCallbackClosedEarly: Error {}

/// A kept-alive connection, taken again for a new request, was lost before any byte of the answer came: the service
/// most likely closed it as idle just as the request was written. The sender then sends once more on a new
/// connection; `underlying` is what was seen.
struct ServiceCallbackStaleConnection: Error {
    var underlying: any Error
}

/// The last handler of a callback connection during one exchange: sends the one request (at once on a connection
/// that is up, else once it is), completes `answer` with the response head as soon as the read that brought it is
/// over, and reads and discards the body (at most `bodyLimit` bytes).
///
/// When the response has been read to its end, in time, after the whole request was written, and said neither
/// `Connection: close` nor anything but HTTP/1.1, the handler hands the connection to `release` for the next request
/// (whose exchange takes its place in the pipeline); any other end (an error, a body past the limit, the deadline,
/// more bytes than the response, the sender closing it on cancellation) closes the connection.
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
    private let watch: ServiceCallbackConnectionWatch
    /// Whether the connection carried an earlier exchange: only then is a loss before the answer a stale connection.
    private let reused: Bool
    private let release: @Sendable (any Channel) -> Void
    private var sent = false
    private var written = false
    private var keepAlive = false
    private var ended = false
    private var bodyBytes = 0
    private var closeTimer: Scheduled<Void>?
    /// The response head, until it is given to `answer` (see ``channelReadComplete(context:)``).
    private var responseHead: ServiceCallbackResponseHead?

    init(
        head: HTTPRequestHead,
        body: [UInt8],
        answer: EventLoopPromise<ServiceCallbackResponseHead>,
        deadline: NIODeadline,
        bodyLimit: Int,
        watch: ServiceCallbackConnectionWatch,
        reused: Bool,
        release: @escaping @Sendable (any Channel) -> Void
    ) {
        self.head = head
        self.body = body
        self.answer = answer
        self.deadline = deadline
        self.bodyLimit = bodyLimit
        self.watch = watch
        self.reused = reused
        self.release = release
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            sendRequest(context: context)
        } else if reused {
            // Closed between being taken from the pool and now: it never will be active again.
            fail(ServiceCallbackClosedEarly(), context: context)
        }
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
        watch.expectResponse()
        let done = context.eventLoop.makePromise(of: Void.self)
        // A connection is reused only once the service has had the whole request: an answer given early (before it
        // read the body) leaves the rest of the body where the next request would start.
        done.futureResult.assumeIsolated().whenSuccess { [self] in written = true }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if ended {
            // More than the response: whatever it is, it would be taken for the next request's answer.
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let response):
            keepAlive = response.version == .http1_1 && response.isKeepAlive
            responseHead = ServiceCallbackResponseHead(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"))
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
            ended = true
            closeTimer?.cancel()
            guard keepAlive, written, bodyBytes <= bodyLimit, deadline > .now() else {
                answerWithHead()
                context.close(promise: nil)
                return
            }
            // Handed on before the answer is given, so a send that follows at once finds it. The handler stays until
            // the next exchange replaces it: anything decoded after the end (more than the response) reaches it and
            // closes the connection, and the pool drops a connection that closes.
            watch.idle()
            release(context.channel)
            answerWithHead()
        }
    }

    /// The head is given to `answer` at the end of the read that brought it: with the response's end when that came
    /// in the same read (the usual case for a short answer), so the connection is back in the pool before the
    /// sender's next send looks, and without waiting for a body that is still on its way otherwise.
    func channelReadComplete(context: ChannelHandlerContext) {
        answerWithHead()
        context.fireChannelReadComplete()
    }

    private func answerWithHead() {
        guard let responseHead else { return }
        self.responseHead = nil
        answer.succeed(responseHead)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A promise completes once: after the head has arrived this changes nothing.
        answerWithHead()
        answer.fail(stale(ServiceCallbackClosedEarly()))
        closeTimer?.cancel()
        context.fireChannelInactive()
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        // A head that arrived is the answer, whatever happens to the body.
        answerWithHead()
        answer.fail(stale(error))
        context.close(promise: nil)
    }

    /// `error` as the sender should see it: a stale connection when a reused one was lost before the service sent a
    /// byte of its answer, else as it is.
    private func stale(_ error: any Error) -> any Error {
        guard reused, !watch.responseStarted, Self.isConnectionLoss(error) else { return error }
        return ServiceCallbackStaleConnection(underlying: error)
    }

    /// Whether `error` says the connection went away (closed, reset, a broken pipe), rather than that the service
    /// answered something wrong.
    private static func isConnectionLoss(_ error: any Error) -> Bool {
        switch error {
        case is ServiceCallbackClosedEarly, is IOError, NIOSSLError.uncleanShutdown:
            return true
        case let error as ChannelError:
            return [ChannelError.ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed].contains(error)
        default:
            return false
        }
    }
}
