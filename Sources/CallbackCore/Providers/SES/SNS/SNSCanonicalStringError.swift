/// Why the string SNS signed cannot be rebuilt from a message.
public enum SNSCanonicalStringError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A member the signature covers is absent (or not a string).
    case missing(String)
    /// `Type` is absent or not one SNS defines, so which members are signed is unknown.
    case unknownType

    /// What is wrong, naming the member but never its value.
    public var description: String {
        switch self {
        case .missing(let name): "\(name) missing, so the signature cannot be checked"
        case .unknownType: "Type is not one SNS defines, so the signature cannot be checked"
        }
    }
}
