/// A setting a provider brings, known by its environment variable (`TWILIO_AUTH_TOKENS`) and the `serve` flag made
/// from it (`--twilio-auth-tokens`). The executable reads its value, the flag winning over the variable; the
/// provider's unit makes sense of it.
public struct ProviderSetting: Sendable, Hashable {
    /// The environment variable.
    public let variable: String
    /// What it means, for `serve --help` and the documentation.
    public let help: String
    /// What a value looks like (`token,...`, `url`).
    public let valueName: String
    /// Whether its value is a secret: never repeated in a message or a log.
    public let isSecret: Bool

    /// Creates a setting.
    public init(variable: String, help: String, valueName: String, isSecret: Bool) {
        self.variable = variable
        self.help = help
        self.valueName = valueName
        self.isSecret = isSecret
    }

    /// The `serve` flag: the variable in lower case with dashes (`--twilio-auth-tokens`).
    public var flag: String { "--" + variable.lowercased().replacingOccurrences(of: "_", with: "-") }
}

/// A provider setting's value that cannot be used. The message names what is wrong and what to give instead, never
/// the value of a secret; the executable adds which flag and variable set it, and stops start-up.
public struct ProviderSettingError: Error, Sendable, Hashable {
    /// The setting at fault.
    public let setting: ProviderSetting
    /// What is wrong and what to do.
    public let message: String

    /// Creates an error.
    public init(_ setting: ProviderSetting, _ message: String) {
        self.setting = setting
        self.message = message
    }
}
