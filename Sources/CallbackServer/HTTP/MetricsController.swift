import Hummingbird

/// `GET /metrics`: every Prometheus series in the text format, for a Prometheus server to scrape.
///
/// On the main port it sits behind ``AdminTokenMiddleware`` (and is absent, 404, without an admin token); on the
/// separate metrics address it is open, that address being meant for a private interface.
struct MetricsController<Context: RequestContext> {
    let prometheus: PrometheusMetrics

    /// The content type of Prometheus's text format, which scrapers negotiate by.
    static var contentType: String { "text/plain; version=0.0.4; charset=utf-8" }

    func addRoutes(to router: Router<Context>, token: String?) {
        let route: @Sendable (Request, Context) async throws -> Response = { _, _ in
            Response(status: .ok, headers: [.contentType: Self.contentType], body: .init(byteBuffer: prometheus.exposition()))
        }
        if let token {
            router.group("/metrics").add(middleware: AdminTokenMiddleware(token: token)).get(use: route)
        } else {
            router.get("/metrics", use: route)
        }
    }
}
