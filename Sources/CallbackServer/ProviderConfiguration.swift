import CallbackCore

/// What the providers' settings come to: each Basic-auth provider's credentials, each signed provider's check, the
/// routes with a body limit of their own, and what start-up should warn about. Worked out from the settings' values
/// for every unit of ``ProviderRegistry``, so that a provider's settings need no line outside its folder.
public struct ProviderConfiguration: Sendable {
    /// Credentials of the Basic-auth providers that have them.
    public var credentials: [Provider: [BasicCredential]] = [:]
    /// Signature checks of the signed providers whose secrets are given.
    public var authenticators: [Provider: any RequestAuthenticator] = [:]
    /// Routes with a body limit of their own.
    public var bodyLimits: [Provider: Int] = [:]
    /// Open routes and routes that refuse everything, for the start-up log.
    public var warnings: [String] = []

    /// Works out every provider's settings from their values, by variable (`TWILIO_AUTH_TOKENS`); a setting
    /// absent from `values` is not given.
    ///
    /// - Throws: ``ProviderSettingError`` for the first setting a provider cannot use.
    public static func resolve(_ values: [String: String]) throws(ProviderSettingError) -> ProviderConfiguration {
        var resolved = ProviderConfiguration()
        for unit in ProviderRegistry.units {
            try resolved.add(unit, values)
        }
        return resolved
    }

    private mutating func add(_ unit: ProviderUnit, _ values: [String: String]) throws(ProviderSettingError) {
        let provider = unit.provider
        switch unit.authenticity {
        case .basicAuth(let setting):
            if let text = values[setting.variable], !text.isEmpty {
                guard let list = BasicCredential.list(text) else {
                    throw ProviderSettingError(setting, "is not a comma-separated list of user:password pairs (each with a user and a password); fix it or unset it to leave the \(unit.displayName) route open")
                }
                credentials[provider] = list
            } else {
                warnings.append("\(unit.displayName) callbacks are open to anyone: set \(setting.variable) to require Basic authentication")
            }
        case .snsSignature:
            break
        case .signature(let scheme):
            if let authenticator = try scheme.make(values) {
                authenticators[provider] = authenticator
            } else {
                // The secrets, or for a check made from public keys (SendGrid) the settings it has.
                let secrets = scheme.settings.filter(\.isSecret)
                let names = (secrets.isEmpty ? scheme.settings : secrets).map(\.variable).joined(separator: " and ")
                warnings.append("every \(unit.displayName) request is refused (403) until its signature can be checked: set \(names)")
            }
        }
        if let limit = unit.bodyLimit {
            if let text = values[limit.setting.variable] {
                guard let bytes = Int(text.trimmingCharacters(in: .whitespaces)), limit.range.contains(bytes) else {
                    throw ProviderSettingError(limit.setting, "is not a size in bytes; give a whole number from \(limit.range.lowerBound) to \(limit.range.upperBound)")
                }
                bodyLimits[provider] = bytes
            } else {
                bodyLimits[provider] = limit.defaultBytes
            }
        }
    }
}

extension GatewayConfiguration {
    /// This configuration with the providers' credentials, checks and body limits.
    public func with(_ providers: ProviderConfiguration) -> GatewayConfiguration {
        var configuration = self
        configuration.providerCredentials = providers.credentials
        configuration.authenticators = providers.authenticators
        configuration.providerBodyLimits = providers.bodyLimits
        return configuration
    }
}
