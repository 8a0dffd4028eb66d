/// Why a request could not be read as a receipt. Every problem found is listed, so a provider (or an operator
/// reading the log) can fix them all at once.
public struct InvalidCallback: Error, Sendable, Hashable {
    /// Which provider's route the request came to.
    public var provider: Provider
    /// One human-readable message per problem, each naming the field and what is wrong with it.
    public var problems: [String]

    /// Creates an error from problem descriptions; each is prefixed with "<Provider> callback failed: ".
    public init(provider: Provider, problems: [String]) {
        self.provider = provider
        self.problems = problems.map { "\(provider.displayName) callback failed: \($0)" }
    }
}
