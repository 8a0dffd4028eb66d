import CallbackCore
import CallbackServer

/// The settings of every provider in ``ProviderRegistry``, as `serve` reads them: a flag made from each unit's
/// variable (`--twilio-auth-tokens`) or the variable itself, the flag winning. Flags come from the arguments
/// `serve` does not know itself, so that a provider's settings need no line here.
struct ProviderOptions {
    /// What the providers' settings come to.
    struct Resolved {
        /// Credentials of the Basic-auth providers that have them.
        var credentials: [Provider: [BasicCredential]] = [:]
        /// Signature checks of the signed providers whose secrets are given.
        var authenticators: [Provider: any RequestAuthenticator] = [:]
        /// Routes with a body limit of their own.
        var bodyLimits: [Provider: Int] = [:]
        /// What start-up should warn about: open routes, routes refusing everything.
        var warnings: [String] = []
    }

    /// The lines `serve --help` shows for the providers' settings.
    static var help: String {
        ProviderRegistry.units.flatMap { unit in
            unit.settings.map { "  \($0.flag) <\($0.valueName)>  \($0.help). Env: \($0.variable)." }
        }.joined(separator: "\n")
    }

    /// Reads `arguments` (what `serve` left over: `--flag value` or `--flag=value` pairs of provider settings) and
    /// the environment, and makes sense of every provider's settings.
    ///
    /// - Throws: ``ConfigurationError`` naming an unknown flag, a flag without a value, or a setting the provider
    ///   cannot use.
    static func resolve(_ arguments: [String], environment: [String: String]) throws -> Resolved {
        let flags = try parse(arguments)
        var resolved = Resolved()
        for unit in ProviderRegistry.units {
            var values: [String: String] = [:]
            var sources: [String: String] = [:]
            for setting in unit.settings {
                if let value = flags[setting.flag] {
                    values[setting.variable] = value
                    sources[setting.variable] = setting.flag
                } else if let value = environment[setting.variable] {
                    values[setting.variable] = value
                    sources[setting.variable] = setting.variable
                }
            }
            do throws(ProviderSettingError) {
                try resolve(unit, values, into: &resolved)
            } catch {
                let source = sources[error.setting.variable] ?? error.setting.variable
                let shown = error.setting.isSecret ? "" : values[error.setting.variable].map { " is \"\($0)\"," } ?? ""
                throw ConfigurationError(
                    "\(source)\(shown.isEmpty ? "" : shown) \(error.message) (set with \(error.setting.flag) or \(error.setting.variable))"
                )
            }
        }
        return resolved
    }

    private static func resolve(_ unit: ProviderUnit, _ values: [String: String], into resolved: inout Resolved) throws(ProviderSettingError) {
        let provider = unit.provider
        switch unit.authenticity {
        case .basicAuth(let setting):
            if let text = values[setting.variable], !text.isEmpty {
                guard let list = BasicCredential.list(text) else {
                    throw ProviderSettingError(setting, "is not a comma-separated list of user:password pairs (each with a user and a password); fix it or unset it to leave the \(unit.displayName) route open")
                }
                resolved.credentials[provider] = list
            } else {
                resolved.warnings.append("\(unit.displayName) callbacks are open to anyone: set \(setting.variable) to require Basic authentication")
            }
        case .snsSignature:
            break
        case .signature(let scheme):
            if let authenticator = try scheme.make(values) {
                resolved.authenticators[provider] = authenticator
            } else {
                let names = scheme.settings.filter(\.isSecret).map(\.variable).joined(separator: " and ")
                resolved.warnings.append("every \(unit.displayName) request is refused (403) until its signature can be checked: set \(names)")
            }
        }
        if let limit = unit.bodyLimit, let text = values[limit.setting.variable] {
            guard let bytes = Int(text.trimmingCharacters(in: .whitespaces)), limit.range.contains(bytes) else {
                throw ProviderSettingError(limit.setting, "is not a size in bytes; give a whole number from \(limit.range.lowerBound) to \(limit.range.upperBound)")
            }
            resolved.bodyLimits[provider] = bytes
        } else if let limit = unit.bodyLimit {
            resolved.bodyLimits[provider] = limit.defaultBytes
        }
    }

    /// `--flag value` and `--flag=value` pairs, by flag; every flag must be a provider setting's.
    private static func parse(_ arguments: [String]) throws -> [String: String] {
        let known = Set(ProviderRegistry.units.flatMap { $0.settings.map(\.flag) })
        var flags: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard argument.hasPrefix("--"), known.contains(name) else {
                throw ConfigurationError("\"\(argument)\" is not an option of serve; see callback-gateway serve --help for the options and settings")
            }
            if argument.contains("=") {
                flags[name] = String(argument.dropFirst(name.count + 1))
                index += 1
            } else {
                guard index + 1 < arguments.count else {
                    throw ConfigurationError("\(name) needs a value; see callback-gateway serve --help")
                }
                flags[name] = arguments[index + 1]
                index += 2
            }
        }
        return flags
    }
}
