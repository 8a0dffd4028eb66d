import ArgumentParser
import CallbackCore
import CallbackServer
import Foundation

/// The flags of `serve` that decide which SNS messages the SES route believes.
struct SNSOptions: ParsableArguments {
    @Option(name: .customLong("sns-topic-arns"), help: ArgumentHelp(
        "ARNs of the SNS topics SES publishes to, comma-separated; every SES message is refused (403) when unset. Env: SNS_TOPIC_ARNS.",
        valueName: "arns"))
    var topicARNs: String?

    @Option(name: .customLong("sns-certificate-dir"), help: ArgumentHelp(
        "Folder of SNS signing certificates (SimpleNotificationService-*.pem) used instead of fetching them from Amazon. Env: SNS_CERTIFICATE_DIR.",
        valueName: "folder"))
    var certificateDirectory: String?

    @Option(name: .customLong("sns-confirm-subscriptions"), help: ArgumentHelp(
        "yes: confirm verified SNS subscriptions by visiting their SubscribeURL; no: log the URL for an operator. Env: SNS_CONFIRM_SUBSCRIPTIONS. Default yes.",
        valueName: "yes|no"))
    var confirmSubscriptions: String?

    @Flag(name: .customLong("insecure-skip-sns-verification"), help: ArgumentHelp(
        "Accept SES messages without checking their SNS signature: anyone could forge receipts. Env: INSECURE_SKIP_SNS_VERIFICATION=1."))
    var insecureSkipVerification = false

    private static let yesNo = ["1": true, "true": true, "yes": true, "0": false, "false": false, "no": false]

    /// The SNS configuration from flags and environment, validated.
    func resolve(_ environment: [String: String]) throws -> SNSConfiguration {
        func setting(_ flag: String, _ variable: String, _ value: String?) -> Setting {
            Setting(flag: flag, variable: variable, flagValue: value, environment: environment)
        }
        let skip = try setting("--insecure-skip-sns-verification", "INSECURE_SKIP_SNS_VERIFICATION", insecureSkipVerification ? "1" : nil)
            .choice(default: false, Self.yesNo)
        let confirm = try setting("--sns-confirm-subscriptions", "SNS_CONFIRM_SUBSCRIPTIONS", confirmSubscriptions)
            .choice(default: true, Self.yesNo)
        return SNSConfiguration(
            verifySignatures: !skip,
            topicARNs: try Self.topics(setting("--sns-topic-arns", "SNS_TOPIC_ARNS", topicARNs)),
            certificateDirectory: try Self.certificateDirectory(setting("--sns-certificate-dir", "SNS_CERTIFICATE_DIR", certificateDirectory)),
            confirmSubscriptions: confirm
        )
    }

    private static func topics(_ setting: Setting) throws -> Set<String> {
        guard let (text, source) = setting.given else { return [] }
        switch SNSTopicList.parse(text) {
        case .success(let topics):
            return topics
        case .failure(let invalid):
            throw ConfigurationError(
                "\(source) holds \"\(invalid.entry)\", which is not an SNS topic ARN; give the ARNs of the topics SES publishes to, comma-separated, such as arn:aws:sns:eu-west-2:123456789012:ses-callbacks (set with \(setting.flag) or \(setting.variable))"
            )
        }
    }

    private static func certificateDirectory(_ setting: Setting) throws -> String? {
        guard let (text, source) = setting.given, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        let path = URL(fileURLWithPath: text).standardizedFileURL.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue,
              FileManager.default.isReadableFile(atPath: path) else {
            throw ConfigurationError(
                "\(source) is \"\(text)\", which is not a folder this process can read; give the folder holding the SimpleNotificationService-*.pem certificates, or unset it to fetch them from Amazon (set with \(setting.flag) or \(setting.variable))"
            )
        }
        return path
    }
}
