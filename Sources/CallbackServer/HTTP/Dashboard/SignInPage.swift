/// The sign-in form, with the reason the last attempt failed when there is one.
enum SignInPage {
    /// The page; `message` is shown above the form.
    static func render(message: String? = nil) -> String {
        var content = ""
        if let message { content += #"<p class="message" id="message" role="alert">\#(HTML.escape(message))</p>"# + "\n" }
        content += """
            <form method="post" action="/dashboard/sign-in">
            <p><label for="token">Admin token</label><br>
            <input type="password" id="token" name="token" autocomplete="current-password" required size="50"></p>
            <p><button type="submit" id="sign-in">Sign in</button></p>
            </form>
            """
        return DashboardLayout.page(title: "Sign in", current: nil, content: content)
    }
}
