import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Watches one client connection for what a slow or idle client could cost the gateway, between the HTTP decoder and
/// the application.
///
/// ```
/// socket ──► HTTP decoder ──► ClientConnectionHandler ──────────────────────────────► application (routes)
///                               holds head and body until the request's end has arrived, then passes it on
///                               whole; a request larger than its route's limit (MAX_BODY_BYTES), or with the
///                               BodyBudget spent, is passed on as it comes (the routes then refuse it: 413 or 503)
/// ```
///
/// - **Whole requests only**: the application starts on a request once all of it has arrived, so a client slow to
///   send its body costs a connection and the bytes it has sent (reserved from the ``BodyBudget``), not a request
///   slot, nor the memory of a request being worked on.
/// - **A deadline for each request**: a connection whose next request has not arrived whole within `timeout` of the
///   moment it opened, or of its previous answer, is closed. A client that sends its headers a byte at a time, stops
///   half-way through a body, or never sends anything, holds a connection for `timeout` at most. The deadline does
///   not run while the gateway works on a request: it stops when the request's end is read and starts again when
///   the answer's end is written. One timer per connection keeps it: moving the deadline is a store, and the timer,
///   when it fires early, waits again for what is left (a timer scheduled and cancelled for every request cost more
///   than the rest of this handler).
/// - **A place in the ``ConnectionTable``**: the table is told when the connection is being answered (it may not be
///   closed to make room) and when it waits for a request again (it may). When every connection in a full table is
///   being answered, this new one is closed at once.
final class ClientConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private let table: ConnectionTable
    private let budget: BodyBudget
    private let bodyLimits: BodyLimits
    /// The limit of the route the current request is for.
    private var maxBodyBytes = 0
    private var ticket: ConnectionTable.Ticket?
    /// When the wait for the next request ends; `nil` while the gateway works on one.
    private var deadline: NIODeadline?
    /// The connection's one timer, pending at or before `deadline` whenever there is a deadline.
    private var timer: Scheduled<Void>?
    private var incoming = Incoming.between

    /// Where the connection's current request stands.
    private enum Incoming {
        /// No part of a request yet.
        case between
        /// Head and body held back, the body's bytes reserved from the budget.
        case holding(head: HTTPRequest, body: ByteBuffer)
        /// Passed on part by part: too large to hold, or the budget is spent.
        case passing
    }

    init(timeout: TimeAmount, table: ConnectionTable, budget: BodyBudget, bodyLimits: BodyLimits) {
        self.timeout = timeout
        self.table = table
        self.budget = budget
        self.bodyLimits = bodyLimits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { opened(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if ticket == nil { opened(context) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), incoming) {
        case (.head(let head), _):
            maxBodyBytes = bodyLimits.limit(forPath: head.path ?? "")
            let declared = head.headerFields[.contentLength].flatMap { Int($0) } ?? 0
            if declared > maxBodyBytes {
                incoming = .passing
                context.fireChannelRead(data)
            } else {
                incoming = .holding(head: head, body: ByteBuffer())
            }
        case (.body(let part), .holding(let head, var body)):
            if body.readableBytes + part.readableBytes <= maxBodyBytes, budget.reserve(part.readableBytes) {
                incoming = .between
                body.writeImmutableBuffer(part)
                incoming = .holding(head: head, body: body)
            } else {
                pass(head, body, context)
                incoming = .passing
                context.fireChannelRead(data)
            }
        case (.body, _):
            context.fireChannelRead(data)
        case (.end(let trailers), let state):
            deadline = nil
            if let ticket { table.answering(ticket) }
            if case .holding(let head, let body) = state { pass(head, body, context) }
            incoming = .between
            context.fireChannelRead(wrapInboundOut(.end(trailers)))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            arm(context)
            if let ticket { table.reading(ticket) }
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    /// Passes a held request on, and gives its reservation back: from here the application holds the bytes.
    private func pass(_ head: HTTPRequest, _ body: ByteBuffer, _ context: ChannelHandlerContext) {
        budget.release(body.readableBytes)
        context.fireChannelRead(wrapInboundOut(.head(head)))
        if body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(body))) }
    }

    private func opened(_ context: ChannelHandlerContext) {
        guard let admitted = table.admit(context.channel) else {
            context.close(promise: nil)
            return
        }
        ticket = admitted
        arm(context)
    }

    private func arm(_ context: ChannelHandlerContext) {
        let end = NIODeadline.now() + timeout
        deadline = end
        if timer == nil { wait(until: end, context) }
    }

    private func wait(until end: NIODeadline, _ context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: end) { self.expire(context) }
    }

    /// The timer fired: the connection is closed if its deadline has passed, and waited on again if the deadline
    /// moved on meanwhile. Without a deadline (a request is being answered) the timer ends; the answer arms it.
    private func expire(_ context: ChannelHandlerContext) {
        timer = nil
        guard let deadline else { return }
        if deadline <= .now() {
            context.channel.close(promise: nil)
        } else {
            wait(until: deadline, context)
        }
    }

    private func finish() {
        timer?.cancel()
        timer = nil
        deadline = nil
        if case .holding(_, let body) = incoming { budget.release(body.readableBytes) }
        incoming = .between
        if let ticket { table.closed(ticket) }
        ticket = nil
    }
}
