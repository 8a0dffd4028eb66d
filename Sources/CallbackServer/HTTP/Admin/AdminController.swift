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
            let window: StatsWindow
            do throws(StatsWindowError) {
                window = try StatsWindow(today: CivilDate(utcOf: clock.now()), limitDaysText: request.uri.queryParameters.get("limit_days"))
            } catch {
                return ResultEnvelope.error(.badRequest, [error.description])
            }
            let counts = try await store.receiptCounts(in: window)
            let stats = ReceiptStats(window: window, counts: counts)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try ReceiptStatsReport.json(stats)))
            )
        }
    }
}
