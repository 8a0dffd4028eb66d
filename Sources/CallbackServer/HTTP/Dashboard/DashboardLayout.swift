/// The frame of every dashboard page: head, inline style (no CDN, no web font: it must work offline), navigation,
/// sign-out form, and the optional section that refreshes itself.
enum DashboardLayout {
    /// A whole page around `content` (already HTML). `live` is the refreshing section's URL and its first content.
    static func page(title: String, current: DashboardPage?, content: String, live: (url: String, html: String)? = nil) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · callback-gateway</title>
            <style>\(style)</style>
            </head>
            <body>
            <header><strong>callback-gateway</strong>
            """
        if let current {
            html += "<nav>"
            for page in DashboardPage.allCases {
                let marker = page == current ? #" aria-current="page""# : ""
                html += #"<a href="\#(page.path)"\#(marker)>\#(HTML.escape(page.title))</a>"#
            }
            html += #"</nav><form method="post" action="/dashboard/sign-out"><button type="submit" id="sign-out">Sign out</button></form>"#
        }
        html += "</header>\n<main>\n<h1>\(HTML.escape(title))</h1>\n" + content
        if let live {
            html += #"<section id="live" data-refresh="\#(HTML.escape(live.url))">"# + live.html + "</section>\n"
            html += #"<script src="/dashboard/refresh.js"></script>"#
        }
        return html + "\n</main>\n</body>\n</html>\n"
    }

    private static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
        header{display:flex;gap:1.5em;align-items:center;padding:.6em 1.2em;background:#0b0c0c;color:#fff}
        header nav{display:flex;gap:1em;flex:1}header a{color:#fff}header a[aria-current]{font-weight:bold}
        main{padding:1em 1.2em;max-width:80em}table{border-collapse:collapse;margin:1em 0}
        th,td{border:1px solid #ccc;padding:.2em .5em;text-align:right}th{background:#eee}td.text,th.text{text-align:left}
        .message{padding:.5em 1em;border-left:4px solid #d4351c;background:#fdecea}
        .charts{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}figcaption{font-weight:bold}
        .legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em}
        code{background:#eee;padding:.1em .3em}
        """
}
