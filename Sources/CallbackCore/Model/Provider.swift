/// A provider that sends delivery receipts to the gateway, by the name its route, settings, metrics and mapping rows
/// use (`firetext`, `twilio`).
///
/// Each provider defines its own value in its folder (`Providers/Twilio/TwilioProvider.swift`:
/// `extension Provider { static let twilio = ... }`); the providers the gateway knows are those
/// ``ProviderRegistry`` lists, and a name it does not list is no provider (`Provider(rawValue: "acme")` is `nil`).
public struct Provider: RawRepresentable, Sendable, Hashable, Comparable, CaseIterable, Codable, CustomStringConvertible {
    /// The provider's name, lower case.
    public let rawValue: String

    /// The provider of that name, if the registry lists one.
    public init?(rawValue: String) {
        guard let unit = ProviderRegistry.unit(named: rawValue) else { return nil }
        self = unit.provider
    }

    /// A provider value for a provider's own unit; only a provider's folder makes one.
    init(defining name: String) {
        rawValue = name
    }

    /// Every provider the gateway knows, in the registry's order.
    public static var allCases: [Provider] { ProviderRegistry.units.map(\.provider) }

    /// The name people use for the provider, as it appears in error messages (`Firetext`, `SendGrid`).
    public var displayName: String { ProviderRegistry.unit(for: self)?.displayName ?? rawValue }

    /// The `updated_by` value a change made by this provider's receipts carries.
    public var actor: String { "callback:\(rawValue)" }

    public var description: String { rawValue }

    /// The registry's order (`mappings show` prints providers in it).
    public static func < (lhs: Provider, rhs: Provider) -> Bool {
        let order = ProviderRegistry.units.map(\.provider)
        return (order.firstIndex(of: lhs) ?? order.count, lhs.rawValue) < (order.firstIndex(of: rhs) ?? order.count, rhs.rawValue)
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let provider = Provider(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown provider \"\(name)\""))
        }
        self = provider
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
