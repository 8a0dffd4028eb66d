import Foundation

/// Reads `ALERT_WEBHOOK_URL`, and shows it in logs without its secrets.
public enum AlertWebhookURL {
    /// The URL, when it is an absolute `http` or `https` URL with a host; `nil` otherwise, so that a typo is reported
    /// at start-up rather than by the first alert that never arrives.
    public static func parse(_ text: String) -> URL? {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return nil }
        return url
    }

    /// The URL reduced to scheme, host and port (`https://hooks.slack.com`), for logs.
    ///
    /// A webhook URL is a credential: Slack's carries its secret in the path, others in the query or the user
    /// info. None of those may reach a log, so only the part that says where alerts go is kept.
    public static func redacted(_ url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? "?"
        let host = url.host ?? "?"
        let port = url.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }
}
