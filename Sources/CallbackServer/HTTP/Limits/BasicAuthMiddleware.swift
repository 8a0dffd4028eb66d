import Foundation
import Hummingbird

/// Lets a provider's receipts in only with one of its configured credentials, as HTTP Basic authentication.
///
/// Every configured credential is compared in constant time, and all of them are compared, so that neither which
/// one matched nor how much of one matched shows in the time taken. A refusal is 401 with `WWW-Authenticate` and
/// says nothing about what was wrong.
struct BasicAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let credentials: [BasicCredential]
    /// Told of every refusal (counted as `callback.<provider>.rejected`).
    let onRefusal: @Sendable () -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.presented(request).map(accepts) ?? false else {
            onRefusal()
            return ResultEnvelope.error(.unauthorized, ["authentication required"], headers: [.wwwAuthenticate: #"Basic realm="callback-gateway""#])
        }
        return try await next(request, context)
    }

    private func accepts(_ token: [UInt8]) -> Bool {
        var matched = false
        for credential in credentials where ConstantTime.equals(token, credential.token) {
            matched = true
        }
        return matched
    }

    /// The decoded `user:password` of a Basic `Authorization` header, if there is one.
    private static func presented(_ request: Request) -> [UInt8]? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces))
        else { return nil }
        return Array(data)
    }
}
