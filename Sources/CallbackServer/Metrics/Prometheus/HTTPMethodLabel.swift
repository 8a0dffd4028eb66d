/// The `method` label of the request series: the standard methods as they are, anything else `other`, since a
/// client may send any token as a method and a label must come from a fixed set.
enum HTTPMethodLabel {
    /// The methods kept as they are.
    static let known: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"]

    /// The label for `method`.
    static func label(_ method: String) -> String {
        known.contains(method) ? method : "other"
    }
}
