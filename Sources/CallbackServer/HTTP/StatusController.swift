import CallbackStore
import Hummingbird

/// Liveness and readiness for load balancers and orchestrators.
struct StatusController<Context: RequestContext> {
    let store: any ReceiptStore

    func addRoutes(to router: Router<Context>) {
        router.get("/_status") { _, _ in
            Self.json(.ok, #"{"status":"ok"}"#)
        }
        router.get("/_status/ready") { _, _ in
            await store.isReady()
                ? Self.json(.ok, #"{"database":"ok","status":"ok"}"#)
                : Self.json(.serviceUnavailable, #"{"database":"unavailable","status":"error"}"#)
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
