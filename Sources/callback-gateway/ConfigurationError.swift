import ArgumentParser
import Foundation

/// A setting the gateway cannot start with. The message names the setting, the flag and variable it comes from,
/// what was wrong and what to do.
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
