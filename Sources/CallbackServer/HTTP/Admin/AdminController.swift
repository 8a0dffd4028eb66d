import CallbackCore
import CallbackStore
import Foundation
import Hummingbird

/// `/admin/...`: operator views, behind ``AdminTokenMiddleware``.
struct AdminController<Context: RequestContext> {
    let store: any ReceiptStore
    let token: String
    /// Tells the statistics which UTC date is today.
    let clock: any WallClock

    func addRoutes(to router: Router<Context>) {
        let admin = router.group("/admin").add(middleware: AdminTokenMiddleware(token: token))
        admin.get("/unmapped") { _, _ in
            let statuses = try await store.unmappedStatuses(limit: 1000)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try UnmappedStatusReport.json(statuses)))
            )
        }
        admin.get("/stats") { request, _ in
            let source = ReceiptStatsSource(store: store, clock: clock)
            let window: StatsWindow
            do throws(StatsWindowError) {
                window = try source.window(limitDaysText: request.uri.queryParameters.get("limit_days"))
            } catch {
                return ResultEnvelope.error(.badRequest, [error.description])
            }
            let stats = try await source.stats(in: window)
            let callbacks = try await store.serviceCallbackCounts()
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try ReceiptStatsReport.json(stats, serviceCallbacks: callbacks)))
            )
        }
    }
}
