import CallbackCore
import Foundation
import Hummingbird

/// `(module, endpoint)` by route template, for ``RequestMetricsMiddleware``: each provider's from its unit, the rest
/// here. A constant, since a generic type cannot hold a stored static property and a computed one built the
/// dictionary again for every request.
private let routeNames: [String: (module: String, endpoint: String)] = Dictionary(
    ProviderRegistry.units.map { ($0.routePath, ($0.metricRoute.module, $0.metricRoute.endpoint)) },
    uniquingKeysWith: { first, _ in first }
).merging([
    "/_status": ("status", "show_status"),
    "/_status/ready": ("status", "show_ready"),
    "/admin/unmapped": ("admin", "get_unmapped_statuses"),
    "/admin/stats": ("admin", "get_receipt_stats"),
    "/v2/notifications/{id}/receipts": ("v2_notifications", "get_notification_receipts"),
    "/dashboard": ("dashboard", "show_overview"),
    "/dashboard/unmapped": ("dashboard", "show_unmapped"),
    "/dashboard/backlog": ("dashboard", "show_backlog"),
    "/dashboard/lookup": ("dashboard", "show_lookup"),
    "/dashboard/sign-in": ("dashboard", "sign_in"),
    "/dashboard/sign-out": ("dashboard", "sign_out"),
    "/dashboard/refresh.js": ("dashboard", "refresh_script"),
    "/metrics": ("metrics", "get_metrics"),
]) { unit, _ in unit }

/// Counts and times every request: in StatsD as `<METHOD>.<module>.<endpoint>.<status>`, the names of the system
/// this gateway replaces (`POST.sms_callback.process_firetext_response.200`); in Prometheus as
/// `http_requests_total{route, method, status}` and `http_request_duration_seconds`, with the route template as
/// `route`.
///
/// The name and the route label come from the route template the router matched, never from the raw path, so a scan
/// of random URLs adds one name (`GET.unknown.unknown.404`, `route="unmatched"`), not one per URL. The method and
/// the status are reduced to fixed sets for the same reason.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: GatewayMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            record(request, context, status: error.status.code, since: started)
            throw error
        } catch {
            record(request, context, status: 500, since: started)
            throw error
        }
        record(request, context, status: response.status.code, since: started)
        return response
    }

    private func record(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let matched = context.endpointPath.flatMap { path in routeNames[path].map { (template: path, names: $0) } }
        let route: (module: String, endpoint: String) = matched?.names ?? ("unknown", "unknown")
        let method = MetricName.sanitised(request.method.rawValue, maxLength: 16).uppercased()
        let name = "\(method).\(route.module).\(route.endpoint).\(status)"
        let elapsed = ContinuousClock.now - started
        metrics.increment(name)
        metrics.timing(name, milliseconds: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        // Every request passes here: the labels are worked out only when Prometheus keeps them.
        if metrics.series.isRecording {
            metrics.series.request(
                route: matched?.template ?? "unmatched", method: HTTPMethodLabel.label(method), status: HTTPStatusLabel.label(status), took: elapsed
            )
        }
    }
}
