import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which URLs a service's callback may be sent to: `https`, and never an address inside the network the gateway runs
/// in (loopback, private, link-local, the cloud metadata address), so that registering a callback cannot turn the
/// gateway into a way of reaching them. The host's addresses are checked when the callback is registered and again,
/// as resolved, every time it is sent, so a DNS answer that changes cannot do it either.
///
/// `allowInsecure` (`SERVICE_CALLBACK_ALLOW_INSECURE_URLS=1`, for local testing only) lifts both rules.
public struct CallbackURLPolicy: Sendable {
    /// Whether `http` and inside addresses are allowed.
    public let allowInsecure: Bool

    /// A policy.
    public init(allowInsecure: Bool) {
        self.allowInsecure = allowInsecure
    }

    /// Why a URL or an address is refused.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// What was wrong and what to give instead.
        public let description: String
    }

    /// The URL in `text`, when its form is allowed: `https://host[:port]/path`, no user or password, at most 2,000
    /// characters. Its host's addresses are checked separately (``check(addresses:of:)``).
    public func url(_ text: String) throws(Refusal) -> URL {
        guard text.utf8.count <= 2000, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty, let url = components.url
        else {
            throw Refusal(description: "the callback URL is not an absolute URL: give one such as https://service.example/callbacks")
        }
        guard scheme == "https" || (allowInsecure && scheme == "http") else {
            throw Refusal(description: "the callback URL must use https (it carries the service's bearer token); plain http is only for local testing with SERVICE_CALLBACK_ALLOW_INSECURE_URLS=1")
        }
        guard components.user == nil, components.password == nil else {
            throw Refusal(description: "the callback URL must not hold a user or password: the bearer token is given separately")
        }
        if let literal = IPAddress(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) {
            try check(addresses: [literal], of: host)
        }
        return url
    }

    /// Refuses when any of the host's addresses is inside (a host with one inside address among public ones is
    /// refused: which one a connection uses is not ours to choose).
    public func check(addresses: [IPAddress], of host: String) throws(Refusal) {
        guard !allowInsecure else { return }
        if addresses.isEmpty {
            throw Refusal(description: "the callback host \(host) has no address: check its DNS name")
        }
        if let inside = addresses.first(where: \.isInside) {
            throw Refusal(description: "the callback host \(host) is at \(inside), which is \(inside.insideKind ?? "inside"): give a public address (SERVICE_CALLBACK_ALLOW_INSECURE_URLS=1 allows it, for local testing only)")
        }
    }
}

/// An IPv4 or IPv6 address, as bytes.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6).
    public let bytes: [UInt8]

    /// Reads an address's text (`10.0.0.1`, `::1`); `nil` when it is not one.
    public init?(_ text: some StringProtocol) {
        var v4 = in_addr()
        var v6 = in6_addr()
        let string = String(text)
        if inet_pton(AF_INET, string, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, string, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    /// An address from its bytes; `nil` unless there are 4 or 16.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }

    /// Whether it is inside the network rather than on the internet.
    public var isInside: Bool { insideKind != nil }

    /// What kind of inside address it is, or `nil` for a public one.
    public var insideKind: String? {
        if bytes.count == 16 {
            // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible addresses reach the IPv4 address they hold.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                return IPAddress(bytes: Array(bytes[12...]))?.insideKind
            }
            if bytes.allSatisfy({ $0 == 0 }) { return "unspecified" }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return "loopback" }
            if bytes[0..<12].allSatisfy({ $0 == 0 }) { return "an IPv4-compatible address" }
            if bytes[0] & 0xfe == 0xfc { return "private (unique local; the cloud metadata address fd00:ec2::254 among them)" }
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return "link-local" }
            if bytes[0] == 0xff { return "multicast" }
            return nil
        }
        let (a, b) = (bytes[0], bytes[1])
        switch a {
        case 0: return "unspecified"
        case 10: return "private"
        case 127: return "loopback"
        case 100 where b & 0xc0 == 64: return "shared (carrier-grade NAT)"
        case 169 where b == 254: return "link-local (the cloud metadata address 169.254.169.254 among them)"
        case 172 where b & 0xf0 == 16: return "private"
        case 192 where b == 168: return "private"
        case 224...255: return "multicast or reserved"
        default: return nil
        }
    }
}
