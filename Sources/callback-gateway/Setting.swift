import CallbackCore
import Foundation

/// One setting that may come from a flag or an environment variable (the flag wins), with its validation.
struct Setting {
    /// The flag, e.g. `--port`.
    let flag: String
    /// The environment variable, e.g. `PORT`.
    let variable: String
    /// The flag's value, if given.
    let flagValue: String?
    /// The environment to read the variable from.
    let environment: [String: String]

    /// The value given, if any, and where it came from.
    var given: (value: String, source: String)? {
        if let flagValue { return (flagValue, flag) }
        if let value = environment[variable] { return (value, variable) }
        return nil
    }

    /// The value as text, or the default.
    func text(default fallback: String?) -> String? { given?.value ?? fallback }

    /// The value as a whole number within `range`, or the default.
    func integer(default fallback: Int, in range: ClosedRange<Int>, meaning: String) throws -> Int {
        guard let (value, source) = given else { return fallback }
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw ConfigurationError(
                "\(source) is \"\(value)\", which is not \(meaning); give a whole number from \(range.lowerBound) to \(range.upperBound) (set with \(flag) or \(variable))"
            )
        }
        return number
    }

    /// The value as a duration (`"259200"` seconds, `"72h"`, `"30m"`, `"1h30m"`, `"3d"`) within `range` seconds, or
    /// the default.
    func duration(default fallback: Duration, in range: ClosedRange<Int64>, examples: String) throws -> Duration {
        guard let (value, source) = given else { return fallback }
        guard let seconds = DurationText.seconds(value, units: DurationText.daysHoursMinutesSeconds, in: range) else {
            throw ConfigurationError(
                "\(source) is \"\(value)\", which is not a duration from \(DurationText.spoken(seconds: range.lowerBound)) to \(DurationText.spoken(seconds: range.upperBound)); give seconds or a duration such as \(examples) (d, h, m and s, largest first) (set with \(flag) or \(variable))"
            )
        }
        return .seconds(seconds)
    }

    /// The value as a switch: `on`, `1`, `yes`, `true` or `off`, `0`, `no`, `false`; or the default.
    func onOff(default fallback: Bool) throws -> Bool {
        try choice(default: fallback, ["on": true, "1": true, "yes": true, "true": true, "off": false, "0": false, "no": false, "false": false])
    }

    /// The value as one of a fixed set of words, or the default.
    func choice<T>(default fallback: T, _ choices: [String: T]) throws -> T {
        guard let (value, source) = given else { return fallback }
        guard let choice = choices[value.lowercased()] else {
            throw ConfigurationError(
                "\(source) is \"\(value)\"; use one of \(choices.keys.sorted().joined(separator: ", ")) (set with \(flag) or \(variable))"
            )
        }
        return choice
    }
}
