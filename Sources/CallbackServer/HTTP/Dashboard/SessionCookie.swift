import HTTPTypes

/// The dashboard session's cookie: its name, how it is set and cleared, and how it is read from a request.
///
/// `HttpOnly` keeps it from scripts, `SameSite=Strict` keeps other sites' pages from sending it (the dashboard's
/// protection against cross-site requests), `Path=/dashboard` keeps it off every other route, and `Secure` (unless
/// the gateway serves plain HTTP on a loopback address) keeps it off the network in clear.
struct SessionCookie: Sendable {
    static let name = "cbgw_dashboard"
    /// Whether the cookie carries `Secure`.
    let secure: Bool

    /// The `Set-Cookie` value that stores `value` for `maxAge` seconds.
    func setting(_ value: String, maxAge: Int) -> String {
        attributes("\(Self.name)=\(value)", maxAge: maxAge)
    }

    /// The `Set-Cookie` value that removes the cookie.
    func clearing() -> String { attributes("\(Self.name)=", maxAge: 0) }

    private func attributes(_ pair: String, maxAge: Int) -> String {
        pair + "; Max-Age=\(maxAge); Path=/dashboard; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The cookie's value in a request's `Cookie` headers, if there is one.
    static func value(in headers: HTTPFields) -> String? {
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
                return String(trimmed[trimmed.index(after: equals)...])
            }
        }
        return nil
    }
}
