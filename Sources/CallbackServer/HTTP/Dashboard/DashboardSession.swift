import CallbackCore
import Foundation

/// The dashboard's stateless session: a cookie value `v1.<expiry>.<mac>`, where `<expiry>` is the Unix second after
/// which it is refused and `<mac>` the HMAC-SHA256 of `v1.<expiry>` in hexadecimal.
///
/// The key is derived from the admin token, so every replica behind a load balancer accepts a session another one
/// issued, and changing the token signs everyone out. Nothing is stored: signing out removes the cookie from the
/// browser, and a copied cookie stays good until it expires (or the token changes).
struct DashboardSession: Sendable {
    /// How long a session lasts from sign-in.
    static let lifetime: TimeInterval = 12 * 3600
    private static let version = "v1"

    private let key: [UInt8]

    /// Sessions signed with a key derived from `adminToken`; the token itself never leaves the gateway.
    init(adminToken: String) {
        // A key of its own rather than the token: a MAC never helps anyone guess the bearer token of /admin.
        key = Digest.hmac(.sha256, key: Array(adminToken.utf8), message: Array("callback-gateway dashboard session".utf8))
    }

    /// A new session's cookie value, good until `lifetime` after `now`.
    func issue(now: Date) -> String {
        let payload = Self.version + "." + String(Int64(now.timeIntervalSince1970 + Self.lifetime))
        return payload + "." + mac(payload)
    }

    /// Whether `value` is a session this key signed that has not expired at `now`.
    func accepts(_ value: String, now: Date) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.version, let expiry = Int64(parts[1]) else { return false }
        let payload = parts[0] + "." + parts[1]
        guard ConstantTime.equals(parts[2].utf8, mac(String(payload)).utf8) else { return false }
        return Double(expiry) > now.timeIntervalSince1970
    }

    private func mac(_ payload: String) -> String {
        Digest.hex(Digest.hmac(.sha256, key: key, message: Array(payload.utf8)))
    }
}
