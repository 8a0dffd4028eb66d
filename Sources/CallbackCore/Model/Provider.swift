/// A provider that sends delivery receipts to the gateway.
public enum Provider: String, Sendable, CaseIterable, Hashable, Codable {
    /// Firetext (SMS), form-encoded receipts.
    case firetext
    /// MMG (SMS), JSON receipts.
    case mmg
    /// Amazon SES (email), receipts pushed through SNS.
    case ses

    /// The name people use for the provider, as it appears in error messages.
    public var displayName: String {
        switch self {
        case .firetext: "Firetext"
        case .mmg: "MMG"
        case .ses: "SES"
        }
    }

    /// The `updated_by` value a change made by this provider's receipts carries.
    public var actor: String { "callback:\(rawValue)" }
}
