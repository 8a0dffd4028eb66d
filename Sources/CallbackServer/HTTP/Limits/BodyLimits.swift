/// The largest request body each route takes: `MAX_BODY_BYTES`, or a provider's own limit on its route.
struct BodyLimits: Sendable {
    /// `MAX_BODY_BYTES`.
    let standard: Int
    /// Routes with a limit of their own, by path.
    let byPath: [String: Int]

    init(_ configuration: GatewayConfiguration) {
        standard = configuration.maxBodyBytes
        byPath = configuration.bodyLimitsByPath
    }

    /// The limit of the route at `path` (a query string is ignored).
    func limit(forPath path: String) -> Int {
        guard !byPath.isEmpty else { return standard }
        // Compared byte by byte against the few routes with a limit of their own: every request's head asks, and
        // splitting the path into new strings to look one up cost more than the comparison.
        let utf8 = path.utf8
        let route = utf8[..<(utf8.firstIndex(of: UInt8(ascii: "?")) ?? utf8.endIndex)]
        for (candidate, limit) in byPath where candidate.utf8.elementsEqual(route) { return limit }
        return standard
    }
}
