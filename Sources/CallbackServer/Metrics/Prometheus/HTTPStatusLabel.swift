/// The `status` label of the request series: the exact code for every code the gateway answers with, the class
/// (`2xx`, `4xx`, …) for any other.
///
/// Hummingbird can produce a code the gateway's own routes never give (a client may provoke one), and a label must
/// come from a fixed set, so codes outside the list share their class rather than each adding series.
enum HTTPStatusLabel {
    /// Every code the gateway's routes, middleware and error envelope answer with.
    static let exact: Set<Int> = [200, 201, 400, 401, 403, 404, 405, 408, 413, 415, 500, 503]

    /// The label for `code`.
    static func label(_ code: Int) -> String {
        if exact.contains(code) { return String(code) }
        guard (100...599).contains(code) else { return "other" }
        return "\(code / 100)xx"
    }
}
