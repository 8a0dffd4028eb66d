import CallbackCore
import Logging

/// The log lines about SNS trust: refusals, confirmations, and what start-up says about the settings. Reasons
/// name members and settings; nothing from a message body is logged but its topic ARN and message id, bounded.
public enum SNSLog {
    /// A message was refused with 403. Its topic is logged only when it has the shape of a topic ARN (which leaves
    /// no room for an email address): a forged message's `TopicArn` can hold anything.
    static func rejected(_ reason: String, type: SNSMessageType?, topicARN: String?, logger: Logger) {
        var metadata: Logger.Metadata = ["provider": "ses", "reason": .string(reason)]
        if let type { metadata["sns_type"] = .string(type.rawValue) }
        if let topicARN {
            metadata["topic_arn"] = .string(SNSTopicList.isTopicARN(topicARN) ? LogSafe.bounded(topicARN) : "[not a topic ARN]")
        }
        logger.warning("SNS message not accepted", metadata: metadata)
    }

    /// The gateway confirmed a subscription.
    static func subscriptionConfirmed(_ message: SNSControlMessage, logger: Logger) {
        logger.notice("SNS subscription confirmed", metadata: metadata(message))
    }

    /// Confirming a subscription failed; SNS will send the confirmation again.
    static func subscriptionConfirmationFailed(_ message: SNSControlMessage, _ error: SubscriptionConfirmationError, logger: Logger) {
        var metadata = metadata(message)
        metadata["error"] = .string(error.description)
        logger.warning("SNS subscription confirmation failed; answered 502 so that SNS sends it again", metadata: metadata)
    }

    /// Confirmation is left to an operator (`SNS_CONFIRM_SUBSCRIPTIONS=no`): the URL to visit is logged, once
    /// verified. It holds the subscription's token, which confirms this subscription and nothing else.
    static func subscriptionConfirmationForOperator(_ message: SNSControlMessage, logger: Logger) {
        var metadata = metadata(message)
        metadata["subscribe_url"] = .string(bounded(message.subscribeURL ?? "", to: 2048))
        logger.notice("SNS subscription confirmation received and verified; confirm it by visiting subscribe_url or from the SNS console", metadata: metadata)
    }

    /// What start-up says about the SNS settings: warnings for anything that leaves the route open or shut.
    public static func startup(_ configuration: SNSConfiguration, logger: Logger) {
        if !configuration.verifySignatures {
            logger.warning("SNS signature verification is OFF (--insecure-skip-sns-verification): anyone can forge SES receipts; never run like this where the route is reachable from the internet")
        } else if configuration.topicARNs.isEmpty {
            logger.warning("SNS_TOPIC_ARNS is not set: every SES message is refused (403); set it to the ARNs of the topics SES publishes to")
        }
        var metadata: Logger.Metadata = [
            "topics": .array(configuration.topicARNs.sorted().map { .string($0) }),
            "verify_signatures": .stringConvertible(configuration.verifySignatures),
            "confirm_subscriptions": .stringConvertible(configuration.confirmSubscriptions),
        ]
        if let directory = configuration.certificateDirectory {
            let names = CertificateFolder(path: directory).certificateNames()
            metadata["certificate_dir"] = .string(directory)
            metadata["certificates"] = .stringConvertible(names.count)
            if configuration.verifySignatures, names.isEmpty {
                logger.warning("SNS_CERTIFICATE_DIR holds no SimpleNotificationService-*.pem file: every SES message will be refused", metadata: ["certificate_dir": .string(directory)])
            }
        } else {
            metadata["certificates"] = "fetched from sns.<region>.amazonaws.com"
        }
        logger.info("SES route: SNS messages checked", metadata: metadata)
    }

    private static func metadata(_ message: SNSControlMessage) -> Logger.Metadata {
        ["provider": "ses", "topic_arn": .string(LogSafe.bounded(message.topicARN)), "message_id": .string(LogSafe.token(message.messageID))]
    }

    /// `value` with control characters replaced and cut at `limit` characters.
    private static func bounded(_ value: String, to limit: Int) -> String {
        let cut = value.count <= limit ? value : String(value.prefix(limit)) + "…"
        return String(String.UnicodeScalarView(cut.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}
