import CallbackStore
import Foundation
import Hummingbird

/// `/admin/...`: operator views, behind ``AdminTokenMiddleware``.
struct AdminController<Context: RequestContext> {
    let store: any ReceiptStore
    let token: String

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
    }
}
