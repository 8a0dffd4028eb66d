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
        let route = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        return byPath[route] ?? standard
    }
}
