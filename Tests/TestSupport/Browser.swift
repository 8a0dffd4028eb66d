import Foundation

/// Headless Chromium from Debian (`chromium`, `chromium-driver`) driven by selenium, with the Python `scripts/test`
/// prepares (`CALLBACK_TEST_PYTHON`). A browser test runs when they are installed, and always under CI, where a
/// missing one fails the test with the message of ``require()``.
public enum Browser {
    /// Debian's Chromium.
    public static let chromium = "/usr/bin/chromium"
    /// Debian's chromedriver, of the same version.
    public static let chromedriver = "/usr/bin/chromedriver"

    /// Whether a browser test should run: the browser is installed, or CI is set (and a missing one is a failure).
    public static var shouldRun: Bool {
        ProcessInfo.processInfo.environment["CI"] == "true" || (isInstalled && python != nil)
    }

    private static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: chromium) && FileManager.default.isExecutableFile(atPath: chromedriver)
    }

    private static var python: String? {
        ProcessInfo.processInfo.environment["CALLBACK_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs `Tests/browser/<script>` with `task` as JSON on its standard input and returns the JSON object it prints.
    public static func run(script: String, task: [String: Any]) async throws -> [String: Any] {
        guard isInstalled else {
            throw TestSetupError("\(chromium) or \(chromedriver) is missing: apt-get install chromium chromium-driver (scripts/test installs them)")
        }
        guard let python else {
            throw TestSetupError("CALLBACK_TEST_PYTHON is not set: run the tests with scripts/test, which installs selenium into .build-provider-sdks")
        }
        var task = task
        task["chromium"] = chromium
        task["chromedriver"] = chromedriver
        let path = SNSFixtures.root.appendingPathComponent("Tests/browser/" + script).path
        let input = NSTemporaryDirectory() + "cbgw-browser-" + UUID().uuidString + ".json"
        try JSONSerialization.data(withJSONObject: task).write(to: URL(fileURLWithPath: input))
        defer { try? FileManager.default.removeItem(atPath: input) }
        let output = try await Command.run("/bin/sh", ["-c", "exec \"$0\" \"$1\" < \"$2\"", python, path, input])
        guard output.status == 0 else {
            throw TestSetupError("the browser script failed (\(output.status)); if selenium is missing, run scripts/test, which installs it: \(output.standardError)")
        }
        guard let answer = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any] else {
            throw TestSetupError("the browser script printed no JSON object: \(output.standardOutput)")
        }
        return answer
    }

    /// `.build/dashboard-screenshots`: where the browser tests save what the browser showed.
    public static var screenshotFolder: String {
        SNSFixtures.root.appendingPathComponent(".build/dashboard-screenshots").path
    }
}
