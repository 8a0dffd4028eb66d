import CallbackCore
import CallbackStore

/// The unmapped statuses, as `GET /admin/unmapped` lists them, each with the command that re-drives its receipts
/// once the mapping knows it.
enum UnmappedPage {
    /// The whole page.
    static func render(_ statuses: [UnmappedStatus]) -> String {
        DashboardLayout.page(
            title: DashboardPage.unmapped.title, current: .unmapped,
            content: "<p>Statuses the mapping does not know. Add them to the mapping file, restart, then run the command shown.</p>\n",
            live: ("/dashboard/unmapped?fragment=1", numbers(statuses))
        )
    }

    /// The part that refreshes: the table.
    static func numbers(_ statuses: [UnmappedStatus]) -> String {
        guard !statuses.isEmpty else { return #"<p id="none">No unmapped statuses.</p>"# }
        var html = #"<table id="unmapped"><thead><tr><th class="text">Provider</th><th class="text">Raw status</th>"#
        html += #"<th class="text">Detail code</th><th>Count</th><th class="text">First seen</th><th class="text">Last seen</th><th class="text">Re-drive with</th></tr></thead><tbody>"# + "\n"
        for status in statuses {
            html += "<tr>"
            html += #"<td class="text">\#(HTML.escape(status.provider.rawValue))</td>"#
            html += #"<td class="text raw-status">\#(HTML.escape(status.rawStatus))</td>"#
            html += #"<td class="text">\#(HTML.escape(status.detailCode ?? ""))</td>"#
            html += "<td>\(status.count)</td>"
            html += #"<td class="text">\#(DashboardTime.text(status.firstSeen))</td><td class="text">\#(DashboardTime.text(status.lastSeen))</td>"#
            html += #"<td class="text"><code>callback-gateway replay --from-db unmapped --provider \#(HTML.escape(status.provider.rawValue))</code></td>"#
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n"
    }
}
