import Foundation
import Hummingbird

/// Lets a provider's receipts in only with one of its configured credentials, as HTTP Basic authentication.
///
/// Every configured credential is compared in constant time, and all of them are compared, so that neither which
/// one matched nor how much of one matched shows in the time taken. A refusal is 401 with `WWW-Authenticate` and
/// says nothing about what was wrong.
struct BasicAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The `user:password` bytes of each configured credential, made once rather than for every request.
    private let tokens: [[UInt8]]
    /// Told of every refusal (counted as `callback.<provider>.rejected`).
    private let onRefusal: @Sendable () -> Void

    init(credentials: [BasicCredential], onRefusal: @escaping @Sendable () -> Void) {
        self.tokens = credentials.map(\.token)
        self.onRefusal = onRefusal
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], let presented = Self.presented(header), accepts(presented) else {
            onRefusal()
            return ResultEnvelope.error(.unauthorized, ["authentication required"], headers: [.wwwAuthenticate: #"Basic realm="callback-gateway""#])
        }
        return try await next(request, context)
    }

    private func accepts(_ token: [UInt8]) -> Bool {
        var matched = false
        for expected in tokens where ConstantTime.equals(token, expected) {
            matched = true
        }
        return matched
    }

    /// The decoded `user:password` of a Basic `Authorization` header's value: the scheme in any case, a space, then
    /// the base64 credentials with spaces or tabs around them. `nil` for anything else.
    ///
    /// Read as bytes: every request of a Basic-auth provider passes here, and `String`'s splitting, case folding
    /// and Foundation's trimming cost more than the rest of the check.
    static func presented(_ header: String) -> [UInt8]? {
        let bytes = Array(header.utf8)
        let scheme = "basic".utf8
        guard bytes.count > scheme.count, zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        let rest = bytes[scheme.count...]
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard rest.first == UInt8(ascii: " "), let start = rest.firstIndex(where: { !blank($0) }) else { return nil }
        let end = rest.lastIndex(where: { !blank($0) })! + 1
        return Data(base64Encoded: Data(rest[start..<end])).map(Array.init)
    }
}
