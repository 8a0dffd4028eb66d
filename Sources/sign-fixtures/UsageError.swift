/// A problem with how `sign-fixtures` was called; the message says what to change.
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
