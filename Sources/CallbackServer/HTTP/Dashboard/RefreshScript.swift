/// The dashboard's only script, served from `/dashboard/refresh.js`: every 10 seconds it fetches the page's
/// refreshing section (`data-refresh`, the same page with `fragment=1`) and puts it in place. Without it the pages
/// work the same, with numbers as of their loading. A refused fetch (the session ended) reloads the page, which then
/// shows the sign-in form.
enum RefreshScript {
    /// How often the numbers are fetched again, in milliseconds.
    static let intervalMilliseconds = 10_000

    static let source = """
        (function () {
          "use strict";
          var live = document.getElementById("live");
          if (!live || !window.fetch) { return; }
          var url = live.getAttribute("data-refresh");
          window.setInterval(function () {
            fetch(url, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
              if (response.status === 200) { return response.text(); }
              if (response.status === 401) { window.location.reload(); }
              return null;
            }).then(function (html) {
              if (html !== null) { live.innerHTML = html; live.setAttribute("data-refreshed", String(Date.now())); }
            }).catch(function () {});
          }, \(intervalMilliseconds));
        })();
        """
}
