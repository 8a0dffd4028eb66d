/// The providers the gateway serves, one line each. Everything that varies by provider comes from here: the routes
/// and their authenticity checks, the settings, the metric names, the mapping file's and the fixtures' provider
/// names, the fuzz targets and the documentation's tables. A provider is its folder under `Providers/` (its
/// ``ProviderUnit``, adapter and checks), its line here, its rows in `mappings/default.mappings`, its fixtures and
/// its tests.
public enum ProviderRegistry {
    /// Every provider, in the order routes, tables and statistics list them.
    public static let units: [ProviderUnit] = [
        .firetext,
        .mmg,
        .ses,
        .postmark,
        .mailgun,
        .twilio,
        .vonage,
        .sendgrid,
    ]

    private static let byName: [String: ProviderUnit] = Dictionary(
        units.map { ($0.provider.rawValue, $0) }, uniquingKeysWith: { first, _ in first }
    )

    /// The unit of a provider.
    public static func unit(for provider: Provider) -> ProviderUnit? { byName[provider.rawValue] }

    /// The unit of the provider with this name, if there is one.
    public static func unit(named name: String) -> ProviderUnit? { byName[name] }

    /// The providers' names, for messages that list them: `firetext, mmg, ses`.
    public static var names: String { units.map(\.provider.rawValue).joined(separator: ", ") }
}
