import CallbackStore
import Hummingbird
import Logging
import NIOCore

/// Turns every error into an answer of the contract, so that no request ever gets a 500: a body too large is 413,
/// an HTTP error keeps its status, and anything else (above all a database that is down) is 503 with
/// `Retry-After`, because nothing was stored and the provider should send the receipt again.
struct ErrorEnvelopeMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch is NIOTooManyBytesError {
            return ResultEnvelope.error(.contentTooLarge, ["request body is larger than \(maxBodyBytes) bytes; send a smaller body"])
        } catch let error as HTTPError {
            return ResultEnvelope.error(error.status, [error.body ?? error.status.reasonPhrase], headers: error.headers)
        } catch let error as DatabaseError {
            context.logger.error("database unavailable; answered 503", metadata: ["error": "\(error)"])
            return Self.unavailable
        } catch {
            context.logger.error("request failed; answered 503", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return Self.unavailable
        }
    }

    static var unavailable: Response {
        ResultEnvelope.error(
            .serviceUnavailable,
            ["the receipt could not be stored right now; nothing was recorded, send it again later"],
            headers: [.retryAfter: "5"]
        )
    }
}
