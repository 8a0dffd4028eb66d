import CallbackCore
import CallbackStore
import Foundation
import Hummingbird

/// `GET /v2/notifications/{id}/receipts`: a service asks, with one of its API keys, what the providers said of one
/// of its notifications.
///
/// ```
/// GET /v2/notifications/{id}/receipts, Authorization: Bearer <key id>.<secret>
///   ──► the key: known, its secret's hash equal, not revoked? ──no──► 401
///   ──► the id a UUID? ──no──► 400
///   ──► the notification, within the key's service and key type ──none──► 404 (the same for one outside the scope)
///   ──► 200: the notification's status and its receipts, oldest first, no raw bodies
/// ```
struct ReceiptsAPIController<Context: RequestContext> {
    let store: any ReceiptStore
    let keys: ServiceKeyCheck

    static var path: String { "/v2/notifications/:id/receipts" }

    func addRoutes(to router: Router<Context>) {
        router.get(RouterPath(Self.path)) { request, context in
            try await receipts(request, context: context)
        }
    }

    private func receipts(_ request: Request, context: Context) async throws -> Response {
        guard case .allowed(let scope) = try await keys.check(request) else {
            return ResultEnvelope.error(
                .unauthorized, ["a valid API key is required: send Authorization: Bearer <key id>.<secret>"],
                headers: [.wwwAuthenticate: #"Bearer realm="callback-gateway""#]
            )
        }
        let text = context.parameters.get("id") ?? ""
        guard let id = UUID(uuidString: text) else {
            return ResultEnvelope.error(.badRequest, ["the notification id in the path is not a UUID: give the id the notification was created with"])
        }
        guard let trail = try await store.notificationTrail(.id(id), scope: scope, receiptLimit: NotificationTrail.defaultReceiptLimit) else {
            return ResultEnvelope.error(.notFound, ["no notification found"])
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try NotificationTrailReport.json(trail)))
        )
    }
}
