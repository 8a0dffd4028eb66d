import CallbackCore
import Hummingbird

/// Lets a request through to the dashboard's pages only with a valid session cookie. Without one, a page is
/// redirected to the sign-in form and a refresh (`fragment=1`) gets 401, on which the refresh script reloads the page.
struct DashboardSessionMiddleware<Context: RequestContext>: RouterMiddleware {
    let session: DashboardSession
    let clock: any WallClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let value = SessionCookie.value(in: request.headers), session.accepts(value, now: clock.now()) {
            return try await next(request, context)
        }
        if request.uri.queryParameters.get("fragment") != nil {
            return DashboardResponse.plain(.unauthorized, "sign in at /dashboard/sign-in")
        }
        return DashboardResponse.redirect(to: "/dashboard/sign-in")
    }
}
