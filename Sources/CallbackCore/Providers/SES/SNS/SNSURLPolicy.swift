import Foundation

/// Which URLs from an SNS message the gateway may open: only Amazon SNS's own, over https.
///
/// A forged message can name any URL, and a gateway that fetched whatever certificate it was pointed at would
/// verify the forger's signature with the forger's key. So the signing certificate must come from
/// `https://sns.<region>.amazonaws.com[.cn]/SimpleNotificationService-<id>.pem`: a host matching
/// `^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$` exactly (so `sns.x.amazonaws.com.evil.test` does not), a path
/// matching `^/SimpleNotificationService-[A-Za-z0-9]+\.pem$`, no user info, no port but 443, no query, no
/// fragment. A `SubscribeURL` must be https on the same hosts, with the same limits except that it has a query.
///
/// Each check returns a URL rebuilt from the parts that were checked, so what is opened is exactly what passed.
public enum SNSURLPolicy {
    /// The `SigningCertURL` to fetch, if the policy allows it.
    public static func signingCertificateURL(_ text: String) throws(SNSURLProblem) -> URL {
        let parts = try checkedParts(text)
        guard parts.percentEncodedQuery == nil else { throw .hasQuery }
        guard isCertificatePath(parts.percentEncodedPath) else { throw .pathNotCertificate }
        return try rebuilt("https://\(parts.percentEncodedHost ?? "")\(parts.percentEncodedPath)")
    }

    /// The `SubscribeURL` to visit, if the policy allows it.
    public static func subscribeURL(_ text: String) throws(SNSURLProblem) -> URL {
        let parts = try checkedParts(text)
        let path = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
        let query = parts.percentEncodedQuery.map { "?\($0)" } ?? ""
        return try rebuilt("https://\(parts.percentEncodedHost ?? "")\(path)\(query)")
    }

    /// Whether `host` matches `^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`, exactly and in lower case.
    public static func isSNSHost(_ host: String) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let tail: [Substring] = labels.count == 5 ? ["amazonaws", "com", "cn"] : ["amazonaws", "com"]
        guard labels.count == 4 || labels.count == 5, labels[0] == "sns", Array(labels.dropFirst(2)) == tail else {
            return false
        }
        let region = labels[1]
        return !region.isEmpty && region.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// Whether `path` matches `^/SimpleNotificationService-[A-Za-z0-9]+\.pem$`.
    public static func isCertificatePath(_ path: String) -> Bool {
        let prefix = "/SimpleNotificationService-"
        let suffix = ".pem"
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.utf8.count > prefix.utf8.count + suffix.utf8.count else {
            return false
        }
        let id = path.utf8.dropFirst(prefix.utf8.count).dropLast(suffix.utf8.count)
        return id.allSatisfy { isLowerAlphanumeric($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
    }

    /// The URL's parts once the checks both kinds of URL share have passed.
    private static func checkedParts(_ text: String) throws(SNSURLProblem) -> URLComponents {
        // Anything outside printable ASCII, and the backslash some parsers read as `/`, is refused before parsing,
        // so that no parser's leniency can make the host another one than the one checked here.
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") }),
              let parts = URLComponents(string: text), let scheme = parts.scheme else { throw .notAURL }
        guard scheme.lowercased() == "https" else { throw .notHTTPS }
        guard parts.percentEncodedUser == nil, parts.percentEncodedPassword == nil else { throw .hasUserInfo }
        guard let host = parts.percentEncodedHost, isSNSHost(host) else { throw .hostNotSNS }
        guard parts.port == nil || parts.port == 443 else { throw .portNotAllowed }
        guard parts.percentEncodedFragment == nil else { throw .hasFragment }
        return parts
    }

    private static func rebuilt(_ text: String) throws(SNSURLProblem) -> URL {
        guard let url = URL(string: text) else { throw .notAURL }
        return url
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
