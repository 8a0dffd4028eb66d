import Hummingbird
import NIOCore
import Synchronization

/// Reads each request's body whole, then answers 503 beyond a number of requests in progress at once, so that a
/// burst larger than the database can take turns into quick retries for the provider instead of an ever longer
/// queue (and memory) here.
///
/// ```
/// request ──► liveness? ──yes──────────────────────────────────────────────► answered (never refused)
///               │ no
///               ▼
///      body read whole (each byte from the BodyBudget; over MAX_BODY_BYTES: 413; budget spent: 503)
///               │
///               ▼
///      a slot free? ──no──► 503 Retry-After: 1
///               │ yes
///               ▼
///      the route works on it ──► answer ──► slot and body bytes given back
/// ```
///
/// A request takes a slot only once its body has arrived, while it costs the gateway work: a client slow to send its
/// body holds a connection (bounded by ``ConnectionTable`` and the read deadline) and the bytes it has sent (bounded
/// by the ``BodyBudget``), never a slot that a provider sending promptly needs. Liveness (`GET /_status`) and
/// readiness (`GET /_status/ready`) take no slot: an orchestrator must not restart a healthy replica because it is busy.
struct ConcurrencyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int
    let bodyLimits: BodyLimits
    let inFlight: Counter
    let budget: BodyBudget

    /// The number of requests in progress, shared by every copy of the middleware.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        init() {}
    }

    init(limit: Int, bodyLimits: BodyLimits, budget: BodyBudget) {
        self.limit = limit
        self.bodyLimits = bodyLimits
        self.inFlight = Counter()
        self.budget = budget
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if unlimitedPaths.contains(path) { return try await next(request, context) }
        let maxBodyBytes = bodyLimits.limit(forPath: path)
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes {
            throw NIOTooManyBytesError(maxBytes: maxBodyBytes)
        }
        var reserved = 0
        defer { budget.release(reserved) }
        // The connection's handler passes a held body on as one part, which is kept as it is; only a body that
        // arrives in parts is copied into one buffer.
        var body: ByteBuffer?
        for try await chunk in request.body {
            guard (body?.readableBytes ?? 0) + chunk.readableBytes <= maxBodyBytes else { throw NIOTooManyBytesError(maxBytes: maxBodyBytes) }
            guard budget.reserve(chunk.readableBytes) else {
                return ResultEnvelope.error(
                    .serviceUnavailable,
                    ["the gateway holds as many request bodies as it may (MAX_BUFFERED_BODY_BYTES); nothing was recorded, send it again later"],
                    headers: [.retryAfter: "1"]
                )
            }
            reserved += chunk.readableBytes
            if body == nil {
                body = chunk
            } else {
                body?.writeImmutableBuffer(chunk)
            }
        }
        var whole = request
        whole.body = RequestBody(buffer: body ?? ByteBuffer())

        let now = inFlight.value.wrappingAdd(1, ordering: .relaxed).newValue
        defer { inFlight.value.wrappingSubtract(1, ordering: .relaxed) }
        guard now <= limit else {
            return ResultEnvelope.error(
                .serviceUnavailable,
                ["the gateway is at its limit of \(limit) requests in progress; nothing was recorded, send it again later"],
                headers: [.retryAfter: "1"]
            )
        }
        return try await next(whole, context)
    }
}

/// The paths that are never refused for load (a constant here: a generic type cannot have a stored static one).
private let unlimitedPaths: Set<String> = ["/_status", "/_status/ready"]
