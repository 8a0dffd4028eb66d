import Hummingbird
import Synchronization

/// Answers 503 beyond a number of requests in progress at once, so that a burst larger than the database can take
/// turns into quick retries for the provider instead of an ever longer queue (and memory) here.
struct ConcurrencyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int
    let inFlight: Counter

    /// The number of requests in progress, shared by every copy of the middleware.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        init() {}
    }

    init(limit: Int) {
        self.limit = limit
        self.inFlight = Counter()
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let now = inFlight.value.wrappingAdd(1, ordering: .relaxed).newValue
        defer { inFlight.value.wrappingSubtract(1, ordering: .relaxed) }
        guard now <= limit else {
            return ResultEnvelope.error(
                .serviceUnavailable,
                ["the gateway is at its limit of \(limit) requests in progress; nothing was recorded, send it again later"],
                headers: [.retryAfter: "1"]
            )
        }
        return try await next(request, context)
    }
}
