import CallbackCore
import CallbackServer

/// The settings of every provider in ``ProviderRegistry``, as `serve` reads them: a flag made from each unit's
/// variable (`--twilio-auth-tokens`) or the variable itself, the flag winning. Flags come from the arguments
/// `serve` does not know itself, so that a provider's settings need no line here.
struct ProviderOptions {
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
    static func resolve(_ arguments: [String], environment: [String: String]) throws -> ProviderConfiguration {
        let flags = try parse(arguments)
        var values: [String: String] = [:]
        var sources: [String: String] = [:]
        for setting in ProviderRegistry.units.flatMap(\.settings) {
            if let value = flags[setting.flag] {
                values[setting.variable] = value
                sources[setting.variable] = setting.flag
            } else if let value = environment[setting.variable] {
                values[setting.variable] = value
                sources[setting.variable] = setting.variable
            }
        }
        do throws(ProviderSettingError) {
            return try ProviderConfiguration.resolve(values)
        } catch {
            let source = sources[error.setting.variable] ?? error.setting.variable
            let shown = error.setting.isSecret ? "" : values[error.setting.variable].map { " is \"\($0)\"," } ?? ""
            throw ConfigurationError("\(source)\(shown) \(error.message) (set with \(error.setting.flag) or \(error.setting.variable))")
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
