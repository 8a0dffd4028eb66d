import CallbackCore

/// Where each provider posts its receipts: the paths GOV.UK Notify gave its providers (`/notifications/<channel>/
/// <provider>`), so that existing provider configuration can point at the gateway unchanged. The replay client posts
/// to the same paths.
public enum CallbackRoutes {
    /// The path of a provider's route.
    public static func path(for provider: Provider) -> String {
        ProviderRegistry.unit(for: provider)?.routePath ?? "/notifications/\(provider.rawValue)"
    }
}
