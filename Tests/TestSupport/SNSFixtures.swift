import CallbackCore
import FixtureSigning
import Foundation

/// The fixtures' SNS signing key, certificate and topic (`fixtures/sns`), for tests that post SES messages to a
/// gateway that verifies them, as every gateway in the tests does.
public enum SNSFixtures {
    /// The project root, found from this file's place in it.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `fixtures/sns`: the folder a gateway under test reads certificates from (`SNS_CERTIFICATE_DIR`).
    public static var certificateDirectory: String { root.appendingPathComponent("fixtures/sns").path }

    /// The topic every SES fixture comes from.
    public static let topicARN = "arn:aws:sns:eu-west-2:123456789012:ses-callbacks"

    /// The certificate URL every fixture names; its file is in ``certificateDirectory``.
    public static let certificateURL = "https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-fixture.pem"

    /// The settings a gateway process under test needs to accept the fixtures' SES messages, with verification
    /// on, and every other provider's signed fixtures (`fixtures/keys/providers.env`). Confirmation is left to an
    /// operator: no test may call Amazon.
    public static var gatewayEnvironment: [String: String] {
        providerSettings.merging(["SNS_CERTIFICATE_DIR": certificateDirectory, "SNS_TOPIC_ARNS": topicARN, "SNS_CONFIRM_SUBSCRIPTIONS": "no"]) { $1 }
    }

    /// The test secrets the providers' fixtures are signed with, as settings (`fixtures/keys/providers.env`).
    public static var providerSettings: [String: String] {
        let text = (try? String(contentsOfFile: root.appendingPathComponent("fixtures/keys/providers.env").path, encoding: .utf8)) ?? ""
        return ProviderRequestSigner.settings(environmentFile: text)
    }

    /// A signer with the providers' test secrets.
    public static var providerSigner: ProviderRequestSigner {
        get throws { try ProviderRequestSigner.fixtureSecrets(root: root.path) }
    }

    /// A signer with the fixture key.
    public static var signer: SNSMessageSigner {
        get throws {
            let path = root.appendingPathComponent("fixtures/sns/fixture-signing-key.pem").path
            guard let key = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw TestSetupError("cannot read the fixture signing key at \(path)")
            }
            return SNSMessageSigner(privateKeyPEM: key)
        }
    }

    /// `members` signed with the fixture key, naming the fixture certificate, as JSON text.
    public static func signedJSON(_ members: [String: String], version: SNSSignatureVersion = .sha1WithRSA) throws -> String {
        json(try signer.sign(members, version: version, certificateURL: certificateURL))
    }

    /// String members as a JSON object, keys sorted.
    public static func json(_ members: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
