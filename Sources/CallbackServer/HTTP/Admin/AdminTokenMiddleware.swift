import Hummingbird

/// Lets a request through to the admin routes only with `Authorization: Bearer <ADMIN_TOKEN>`.
///
/// Without a configured token the admin routes are not registered at all (404), never open. A refusal says
/// nothing about what was wrong.
struct AdminTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        let given = header.hasPrefix(prefix) ? header.dropFirst(prefix.count).utf8 : "".utf8.dropFirst(0)
        guard ConstantTime.equals(given, token.utf8) else {
            return ResultEnvelope.error(.unauthorized, ["an admin token is required"], headers: [.wwwAuthenticate: #"Bearer realm="callback-gateway""#])
        }
        return try await next(request, context)
    }
}
