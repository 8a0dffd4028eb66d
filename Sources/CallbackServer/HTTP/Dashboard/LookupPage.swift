import CallbackCore
import CallbackStore
import Foundation

/// A notification looked up by id or provider reference: its status and its receipts trail. Raw bodies are never
/// shown: they hold phone numbers and email addresses.
enum LookupPage {
    /// The longest id or reference looked up; anything longer is no reference a provider gives.
    static let maximumQueryLength = 200

    /// What the form asked for.
    enum Query: Sendable, Hashable {
        /// Nothing yet: the form alone.
        case none
        /// A notification id or a provider's reference.
        case key(NotificationTrailKey, text: String)
        /// Too long to be either.
        case tooLong

        /// Reads the `q` parameter: a UUID is an id, anything else a reference.
        init(_ text: String?) {
            let trimmed = text?.trimmingCharacters(in: .whitespaces) ?? ""
            if trimmed.isEmpty {
                self = .none
            } else if trimmed.utf8.count > LookupPage.maximumQueryLength {
                self = .tooLong
            } else if let id = UUID(uuidString: trimmed) {
                self = .key(.id(id), text: trimmed)
            } else {
                self = .key(.reference(trimmed), text: trimmed)
            }
        }
    }

    /// The whole page: the form, and what was found when something was asked.
    static func render(query: String, trail: NotificationTrail?, message: String? = nil) -> String {
        var content = """
            <form method="get" action="/dashboard/lookup">
            <label for="q">Notification id or provider reference</label>
            <input type="search" id="q" name="q" value="\(HTML.escape(query))" size="45" maxlength="\(maximumQueryLength)">
            <button type="submit" id="look-up">Look up</button>
            </form>

            """
        if let message { content += #"<p class="message" id="message" role="alert">\#(HTML.escape(message))</p>"# + "\n" }
        guard let trail else {
            return DashboardLayout.page(title: DashboardPage.lookup.title, current: .lookup, content: content)
        }
        let url = "/dashboard/lookup?q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + "&fragment=1"
        return DashboardLayout.page(title: DashboardPage.lookup.title, current: .lookup, content: content, live: (url, section(trail)))
    }

    /// The part that refreshes: the notification and its receipts.
    static func section(_ trail: NotificationTrail) -> String {
        let notification = trail.notification
        let rows: [(String, String, String)] = [
            ("notification-id", "Id", notification.id.uuidString.lowercased()),
            ("notification-status", "Status", notification.status.rawValue),
            ("notification-type", "Type", notification.notificationType),
            ("notification-key-type", "Key type", notification.keyType.rawValue),
            ("notification-reference", "Provider reference", notification.reference ?? ""),
            ("notification-sent-by", "Sent by", notification.sentBy ?? ""),
            ("notification-created", "Created", DashboardTime.text(notification.createdAt)),
            ("notification-sent", "Sent", notification.sentAt.map(DashboardTime.text) ?? ""),
            ("notification-updated", "Updated", notification.updatedAt.map(DashboardTime.text) ?? ""),
            ("notification-updated-by", "Updated by", notification.updatedBy ?? ""),
        ]
        var html = "<table><tbody>\n"
        for (id, label, value) in rows {
            html += #"<tr><th class="text">\#(label)</th><td class="text" id="\#(id)">\#(HTML.escape(value))</td></tr>"# + "\n"
        }
        html += "</tbody></table>\n<h2>Receipts</h2>\n"
        guard !trail.receipts.isEmpty else { return html + #"<p id="no-receipts">No receipts for this notification.</p>"# }
        html += #"<table id="trail"><thead><tr><th class="text">Received</th><th class="text">Provider</th><th class="text">Raw status</th>"#
        html += #"<th class="text">Detail</th><th class="text">Outcome</th><th class="text">Status written</th><th class="text">Updated by</th></tr></thead><tbody>"# + "\n"
        for receipt in trail.receipts {
            html += "<tr>"
            for value in [
                DashboardTime.text(receipt.receivedAt), receipt.provider.rawValue, receipt.rawStatus, receipt.detailCode ?? "",
                receipt.outcome.rawValue, receipt.statusWritten?.rawValue ?? "", receipt.updatedBy ?? "",
            ] {
                html += #"<td class="text">\#(HTML.escape(value))</td>"#
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n"
    }
}
