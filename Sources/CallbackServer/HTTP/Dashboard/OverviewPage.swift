import CallbackCore

/// Receipts per day, provider and outcome: a chart per provider (inline SVG) and the same numbers as a table, both
/// from the ``ReceiptStats`` that `GET /admin/stats` reports.
enum OverviewPage {
    /// The whole page for `stats`.
    static func render(_ stats: ReceiptStats) -> String {
        let limit = stats.window.limitDays
        var selector = #"<form method="get" action="/dashboard"><label for="limit_days">Days before today</label> "#
        selector += #"<select id="limit_days" name="limit_days">"#
        for days in StatsWindow.allowedLimitDays {
            selector += #"<option value="\#(days)"\#(days == limit ? " selected" : "")>\#(days)</option>"#
        }
        selector += #"</select> <button type="submit">Show</button></form>"# + "\n"
        return DashboardLayout.page(
            title: "Overview", current: .overview, content: selector,
            live: ("/dashboard?limit_days=\(limit)&fragment=1", numbers(stats))
        )
    }

    /// The part that refreshes: the charts and the table.
    static func numbers(_ stats: ReceiptStats) -> String {
        var html = #"<p id="window">From \#(HTML.escape(stats.window.from)) to \#(HTML.escape(stats.window.to)) (UTC), \#(total(stats)) receipts.</p>"# + "\n"
        html += legend() + #"<div class="charts">"#
        for provider in Provider.allCases { html += chart(stats, provider) }
        html += "</div>\n" + table(stats)
        return html
    }

    private static func total(_ stats: ReceiptStats) -> Int {
        stats.days.reduce(0) { sum, day in
            sum + Provider.allCases.reduce(0) { sum, provider in sum + ReceiptOutcome.allCases.reduce(0) { $0 + day.count(provider, $1) } }
        }
    }

    /// One colour per outcome, told apart without relying on hue alone by the table beneath.
    private static func colour(_ outcome: ReceiptOutcome) -> String {
        let palette = ["#00703c", "#505a5f", "#f47738", "#d4351c", "#912b88", "#1d70b8", "#b1b4b6", "#6f72af"]
        let index = ReceiptOutcome.allCases.firstIndex(of: outcome) ?? 0
        return palette[index % palette.count]
    }

    private static func legend() -> String {
        var html = #"<p class="legend">"#
        for outcome in ReceiptOutcome.allCases {
            html += #"<span><i style="background:\#(colour(outcome))"></i>\#(HTML.escape(outcome.rawValue))</span>"#
        }
        return html + "</p>\n"
    }

    /// A stacked bar per day for one provider, or a note when it sent nothing in the window.
    private static func chart(_ stats: ReceiptStats, _ provider: Provider) -> String {
        let totals = stats.days.map { day in ReceiptOutcome.allCases.reduce(0) { $0 + day.count(provider, $1) } }
        let name = HTML.escape(provider.displayName)
        guard let highest = totals.max(), highest > 0 else { return "" }
        let barWidth = 14, gap = 4, height = 120
        let width = stats.days.count * (barWidth + gap)
        var svg = #"<figure><figcaption>\#(name)</figcaption><svg role="img" aria-label="\#(name) receipts per day" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)">"#
        for (index, day) in stats.days.enumerated() {
            var top = height
            for outcome in ReceiptOutcome.allCases {
                let count = day.count(provider, outcome)
                guard count > 0 else { continue }
                let barHeight = max(1, count * height / highest)
                top -= barHeight
                svg += #"<rect x="\#(index * (barWidth + gap))" y="\#(top)" width="\#(barWidth)" height="\#(barHeight)" fill="\#(colour(outcome))">"#
                svg += "<title>\(HTML.escape(day.date)) \(HTML.escape(outcome.rawValue)): \(count)</title></rect>"
            }
        }
        return svg + "</svg></figure>"
    }

    /// Every day and provider of the window with every outcome, zeros included, as `/admin/stats` reports them.
    private static func table(_ stats: ReceiptStats) -> String {
        var html = #"<table id="stats"><thead><tr><th class="text">Date</th><th class="text">Provider</th>"#
        for outcome in ReceiptOutcome.allCases { html += "<th>\(HTML.escape(outcome.rawValue))</th>" }
        html += "</tr></thead><tbody>\n"
        for day in stats.days.reversed() {
            let date = HTML.escape(day.date)
            for provider in Provider.allCases {
                html += #"<tr><td class="text">\#(date)</td><td class="text">\#(HTML.escape(provider.rawValue))</td>"#
                for outcome in ReceiptOutcome.allCases {
                    html += #"<td data-date="\#(date)" data-provider="\#(HTML.escape(provider.rawValue))" data-outcome="\#(HTML.escape(outcome.rawValue))">\#(day.count(provider, outcome))</td>"#
                }
                html += "</tr>\n"
            }
        }
        return html + "</tbody></table>\n"
    }
}
