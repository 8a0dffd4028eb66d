import ArgumentParser
import Foundation

/// Prints an error for the operator and turns it into the exit code that goes with it.
enum Failure {
    /// Exit code for a configuration problem (sysexits' EX_CONFIG).
    static let configuration = ExitCode(78)
    /// Exit code for a runtime failure, such as a database that cannot be reached.
    static let runtime = ExitCode(1)

    static func report(_ message: String) {
        FileHandle.standardError.write(Data("callback-gateway: \(message)\n".utf8))
    }
}
