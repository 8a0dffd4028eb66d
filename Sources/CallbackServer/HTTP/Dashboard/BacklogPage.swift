import CallbackCore
import CallbackStore
import Foundation

/// What is left to do: receipts waiting for their notification, those given up in the last day, the callbacks owed
/// to services and those given up, and the last run of each housekeeping job.
enum BacklogPage {
    /// The numbers the page shows, read together.
    struct Numbers: Sendable {
        var waiting: WaitingBacklog
        var orphanedLastDay: Int
        var serviceCallbacks: OutboxCounts
        var jobRuns: [JobRunRecord]
    }

    /// The whole page.
    static func render(_ numbers: Numbers) -> String {
        DashboardLayout.page(
            title: DashboardPage.backlog.title, current: .backlog, content: "",
            live: ("/dashboard/backlog?fragment=1", section(numbers))
        )
    }

    /// The part that refreshes.
    static func section(_ numbers: Numbers) -> String {
        var html = "<table><tbody>\n"
        html += #"<tr><th class="text">Waiting receipts</th><td id="waiting-count" data-backlog>\#(numbers.waiting.count)</td></tr>"# + "\n"
        let oldest = numbers.waiting.oldestReceivedAt.map(DashboardTime.text) ?? "none"
        html += #"<tr><th class="text">Oldest waiting since</th><td id="waiting-oldest" data-backlog>\#(HTML.escape(oldest))</td></tr>"# + "\n"
        html += #"<tr><th class="text">Orphaned, received in the last 24 hours</th><td id="orphaned-last-day" data-backlog>\#(numbers.orphanedLastDay)</td></tr>"# + "\n"
        html += #"<tr><th class="text">Service callbacks pending</th><td id="callbacks-pending" data-backlog>\#(numbers.serviceCallbacks.pending)</td></tr>"# + "\n"
        html += #"<tr><th class="text">Service callbacks dead (given up)</th><td id="callbacks-dead" data-backlog>\#(numbers.serviceCallbacks.dead)</td></tr>"# + "\n"
        html += #"<tr><th class="text">Service callbacks failed (refused)</th><td id="callbacks-failed" data-backlog>\#(numbers.serviceCallbacks.failed)</td></tr>"# + "\n"
        html += "</tbody></table>\n<h2>Housekeeping jobs</h2>\n"
        guard !numbers.jobRuns.isEmpty else { return html + #"<p id="no-job-runs">No job has run yet.</p>"# }
        html += #"<table id="job-runs"><thead><tr><th class="text">Job</th><th class="text">Started</th><th class="text">Finished</th><th>Rows</th><th class="text">Replica</th><th class="text">Error</th></tr></thead><tbody>"# + "\n"
        for run in numbers.jobRuns {
            html += "<tr>"
            html += #"<td class="text">\#(HTML.escape(run.job.rawValue))</td><td class="text">\#(DashboardTime.text(run.startedAt))</td>"#
            html += #"<td class="text">\#(HTML.escape(run.finishedAt.map(DashboardTime.text) ?? "not finished"))</td>"#
            html += "<td>\(run.rowsAffected.map(String.init) ?? "")</td>"
            html += #"<td class="text">\#(HTML.escape(run.replica))</td><td class="text">\#(HTML.escape(run.error ?? ""))</td>"#
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n"
    }
}
