import CallbackStore
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Turns every error into an answer of the contract, so that no request ever gets a 500: a body too large is 413,
/// an HTTP error keeps its status, a request that could not be read (malformed, or abandoned by its client half-way)
/// is 400, and anything else (above all a database that is down) is 503 with `Retry-After`, because nothing was
/// stored and the provider should send the receipt again.
///
/// A request that could not be read is the client's problem, not the gateway's: it is logged at notice (malformed)
/// or debug (the client went away; nobody is left to read the answer), never at error.
struct ErrorEnvelopeMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as NIOTooManyBytesError {
            return ResultEnvelope.error(.contentTooLarge, ["request body is larger than \(error.maxBytes ?? maxBodyBytes) bytes; send a smaller body"])
        } catch let error as HTTPError {
            return ResultEnvelope.error(error.status, [error.body ?? error.status.reasonPhrase], headers: error.headers)
        } catch let error as HTTPParserError {
            if error == .invalidEOFState {
                context.logger.debug("the client closed the connection before the whole request arrived; nothing was recorded")
            } else {
                context.logger.notice("a malformed request was refused with 400; nothing was recorded", metadata: ["error": "\(error)"])
            }
            return ResultEnvelope.error(.badRequest, ["the request could not be read (\(error)); nothing was recorded, send it again whole"])
        } catch let error as ChannelError where error == .ioOnClosedChannel || error == .eof || error == .inputClosed {
            context.logger.debug("the client went away before the whole request arrived; nothing was recorded")
            return ResultEnvelope.error(.badRequest, ["the request could not be read; nothing was recorded, send it again whole"])
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
