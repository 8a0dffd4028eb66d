import CallbackCore
import CallbackStore
import Foundation
import Hummingbird

/// `/dashboard/...`: the operators' pages, signed in with the admin token. Registered only when an admin token is
/// configured, like `/admin` (404 otherwise).
struct DashboardController<Context: RequestContext> {
    let store: any ReceiptStore
    let token: String
    let clock: any WallClock
    /// Whether the session cookie is sent only over HTTPS (everywhere but plain HTTP on a loopback address).
    let secureCookie: Bool
    let throttle: SignInThrottle

    /// The largest sign-in form read: a token field with room to spare.
    private var signInBodyLimit: Int { 4096 }

    func addRoutes(to router: Router<Context>) {
        let session = DashboardSession(adminToken: token)
        let cookie = SessionCookie(secure: secureCookie)
        router.get("/dashboard/sign-in") { _, _ in DashboardResponse.html(.ok, SignInPage.render()) }
        router.post("/dashboard/sign-in") { request, _ in
            try await signIn(request, session: session, cookie: cookie)
        }
        router.post("/dashboard/sign-out") { _, _ in
            DashboardResponse.redirect(to: "/dashboard/sign-in", headers: [.setCookie: cookie.clearing()])
        }
        router.get("/dashboard/refresh.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(string: RefreshScript.source)))
        }
        let pages = router.group("/dashboard").add(middleware: DashboardSessionMiddleware(session: session, clock: clock))
        pages.get { request, _ in try await overview(request) }
        pages.get("/unmapped") { request, _ in
            let statuses = try await store.unmappedStatuses(limit: 1000)
            return page(request, whole: UnmappedPage.render(statuses), fragment: UnmappedPage.numbers(statuses))
        }
        pages.get("/backlog") { request, _ in
            // Each awaited value is bound first: building a struct around an `await` is what the 6.3.1 optimizer
            // miscompiles (docs/decisions.md).
            let waiting = try await store.waitingBacklog()
            let orphaned = try await store.orphanedCount(receivedSince: clock.now().addingTimeInterval(-86_400))
            let callbacks = try await store.serviceCallbackCounts()
            let jobRuns = try await store.lastJobRuns()
            let numbers = BacklogPage.Numbers(waiting: waiting, orphanedLastDay: orphaned, serviceCallbacks: callbacks, jobRuns: jobRuns)
            return page(request, whole: BacklogPage.render(numbers), fragment: BacklogPage.section(numbers))
        }
        pages.get("/lookup") { request, _ in try await lookup(request) }
    }

    private func signIn(_ request: Request, session: DashboardSession, cookie: SessionCookie) async throws -> Response {
        let now = clock.now()
        if let seconds = throttle.retryAfter(now: now) {
            return DashboardResponse.html(
                .tooManyRequests, SignInPage.render(message: "Too many wrong tokens; try again in \(seconds) seconds."),
                headers: [.retryAfter: String(seconds)]
            )
        }
        let body = try await request.body.collect(upTo: signInBodyLimit)
        let given = FormFieldValue.first(named: "token", in: String(decoding: body.readableBytesView, as: UTF8.self)) ?? ""
        guard ConstantTime.equals(given.utf8, token.utf8) else {
            throttle.recordFailure(now: now)
            return DashboardResponse.html(.unauthorized, SignInPage.render(message: "That is not the admin token."))
        }
        return DashboardResponse.redirect(
            to: "/dashboard", headers: [.setCookie: cookie.setting(session.issue(now: now), maxAge: Int(DashboardSession.lifetime))]
        )
    }

    private func overview(_ request: Request) async throws -> Response {
        let source = ReceiptStatsSource(store: store, clock: clock)
        let window: StatsWindow
        do throws(StatsWindowError) {
            window = try source.window(limitDaysText: request.uri.queryParameters.get("limit_days"))
        } catch {
            return DashboardResponse.html(.badRequest, DashboardLayout.page(
                title: "Overview", current: .overview,
                content: #"<p class="message" role="alert">\#(HTML.escape(error.description))</p><p><a href="/dashboard">Back to the overview</a></p>"#
            ))
        }
        let stats = try await source.stats(in: window)
        return page(request, whole: OverviewPage.render(stats), fragment: OverviewPage.numbers(stats))
    }

    private func lookup(_ request: Request) async throws -> Response {
        let text = request.uri.queryParameters.get("q") ?? ""
        switch LookupPage.Query(text) {
        case .none:
            return DashboardResponse.html(.ok, LookupPage.render(query: "", trail: nil))
        case .tooLong:
            return DashboardResponse.html(.badRequest, LookupPage.render(
                query: "", trail: nil,
                message: "That is longer than any id or reference (\(LookupPage.maximumQueryLength) characters at most); give a notification id or a provider's reference."
            ))
        case .key(let key, let given):
            guard let trail = try await store.notificationTrail(key, scope: .everything, receiptLimit: NotificationTrail.defaultReceiptLimit) else {
                if request.uri.queryParameters.get("fragment") != nil { return DashboardResponse.plain(.notFound, "not found") }
                return DashboardResponse.html(.notFound, LookupPage.render(
                    query: given, trail: nil, message: "No notification has the id or provider reference \"\(given)\"."
                ))
            }
            return page(request, whole: LookupPage.render(query: given, trail: trail), fragment: LookupPage.section(trail))
        }
    }

    /// The whole page, or only its refreshing section when the refresh script asks (`fragment=1`).
    private func page(_ request: Request, whole: @autoclosure () -> String, fragment: @autoclosure () -> String) -> Response {
        DashboardResponse.html(.ok, request.uri.queryParameters.get("fragment") != nil ? fragment() : whole())
    }
}
