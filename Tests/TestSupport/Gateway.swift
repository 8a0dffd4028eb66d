import Foundation

/// The built `callback-gateway` executable, run as an operator would run it.
public enum Gateway {
    /// `CALLBACK_GATEWAY_EXECUTABLE` when set (`scripts/test`'s release pass points it at the plain release build,
    /// the binary people run), otherwise the executable beside the test bundle (SwiftPM builds both into the same
    /// folder).
    public static var executable: String {
        get throws {
            if let path = ProcessInfo.processInfo.environment["CALLBACK_GATEWAY_EXECUTABLE"], !path.isEmpty {
                guard FileManager.default.isExecutableFile(atPath: path) else {
                    throw TestSetupError("CALLBACK_GATEWAY_EXECUTABLE is \(path), which is not an executable file: build it with swift build -c release, or unset it")
                }
                return path
            }
            let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for candidate in [folder, folder.deletingLastPathComponent()] {
                let path = candidate.appendingPathComponent("callback-gateway").path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
            throw TestSetupError("callback-gateway was not built next to the tests in \(folder.path): run swift build --build-tests first")
        }
    }

    /// Runs the gateway with exactly the given environment (plus PATH), and waits for it to exit.
    public static func run(_ arguments: [String], environment: [String: String]) async throws -> Command.Output {
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return try await Command.run(try executable, arguments, environment: env)
    }
}

/// A file that exists for one test.
public final class TemporaryFile {
    public let path: String

    public init(contents: String) throws {
        path = NSTemporaryDirectory() + "cbgw-" + UUID().uuidString + ".mappings"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
