import Foundation

/// The providers' own SDKs (Twilio's, SendGrid's, Vonage's, from PyPI), run through `Tests/sdk/provider_sdks.py`
/// with the Python `scripts/test` prepares (`CALLBACK_TEST_PYTHON`). Without it the tests that need it fail, with
/// this message: no signature test is skipped for a missing SDK.
public enum ProviderSDK {
    /// Runs one request of the script and returns its answer.
    public static func call(_ request: [String: Any]) async throws -> [String: Any] {
        guard let answer = try await run(request) as? [String: Any] else { throw TestSetupError("the providers' SDK script did not answer with an object") }
        return answer
    }

    /// Runs several requests in one interpreter (starting one takes most of a second) and returns their answers, in
    /// order.
    public static func call(_ requests: [[String: Any]]) async throws -> [[String: Any]] {
        guard let answers = try await run(requests) as? [[String: Any]], answers.count == requests.count else {
            throw TestSetupError("the providers' SDK script did not answer each request")
        }
        return answers
    }

    private static func run(_ request: Any) async throws -> Any {
        guard let python = ProcessInfo.processInfo.environment["CALLBACK_TEST_PYTHON"], !python.isEmpty else {
            throw TestSetupError("CALLBACK_TEST_PYTHON is not set: run the tests with scripts/test, which installs the providers' SDKs (twilio, sendgrid, vonage) into .build-provider-sdks")
        }
        let script = SNSFixtures.root.appendingPathComponent("Tests/sdk/provider_sdks.py").path
        let input = NSTemporaryDirectory() + "cbgw-sdk-" + UUID().uuidString + ".json"
        try JSONSerialization.data(withJSONObject: request).write(to: URL(fileURLWithPath: input))
        defer { try? FileManager.default.removeItem(atPath: input) }
        let output = try await Command.run("/bin/sh", ["-c", "exec \"$0\" \"$1\" < \"$2\"", python, script, input])
        guard output.status == 0, let answer = try? JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) else {
            throw TestSetupError("the providers' SDK script failed (\(output.status)): \(output.standardError)")
        }
        return answer
    }
}
