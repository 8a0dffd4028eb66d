/// The problems found in one request, in the order found, each listed once.
///
/// Problems name a field and what is wrong with it, never its value: bodies carry phone numbers and email
/// addresses, and problems end up in responses and logs.
struct ProblemList {
    /// The problems so far.
    private(set) var messages: [String] = []

    /// Whether nothing is wrong so far.
    var isEmpty: Bool { messages.isEmpty }

    /// Records a problem unless it is already listed (several unnamed fields can share one message).
    mutating func add(_ message: String) {
        if !messages.contains(message) { messages.append(message) }
    }

    /// The error to throw for these problems.
    ///
    /// Never empty: an adapter that gives up without having recorded why still says something.
    func error(for provider: Provider) -> InvalidCallback {
        InvalidCallback(provider: provider, problems: isEmpty ? ["receipt could not be read"] : messages)
    }
}
