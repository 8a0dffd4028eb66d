import CallbackCore
import CallbackStore
import Logging

/// The log lines about receipts: one per receipt, with the fields an operator searches by and nothing from the
/// body that could hold a phone number or an email address.
public struct ReceiptLog: Sendable {
    /// Creates the receipt log.
    public init() {}

    /// A receipt was stored (and applied, when the rules allowed).
    func recorded(_ mapped: MappedReceipt, _ recorded: RecordedReceipt, logger: Logger) {
        let receipt = mapped.receipt
        if let unknown = mapped.mapping.unknownDetailCode {
            logger.warning("provider sent a detail code the mapping does not know; used the status's own mapping", metadata: [
                "provider": .string(receipt.provider.rawValue),
                "raw_status": .string(LogSafe.token(receipt.rawStatus)),
                "detail_code": .string(LogSafe.token(unknown)),
            ])
        }
        // Built only for a line that will be written: at warning and above, the metadata would be built and dropped
        // for every receipt.
        guard recorded.outcome == .unmapped || logger.logLevel <= .info else { return }
        var metadata = Self.metadata(of: receipt, notificationID: recorded.notificationID.map(UUIDText.lowercase))
        metadata["outcome"] = .string(recorded.outcome.rawValue)
        if let status = recorded.statusWritten { metadata["status"] = .string(status.rawValue) }
        if let target = mapped.mapping.target { metadata["target"] = .string(target.rawValue) }
        if recorded.isResend { metadata["resend"] = "true" }
        if recorded.outcome == .unmapped {
            logger.error("provider sent a status the mapping does not know; receipt stored as unmapped", metadata: metadata)
        } else {
            logger.info("receipt", metadata: metadata)
        }
    }

    /// A stored receipt was applied again by the retrier.
    func retried(_ retried: RetriedReceipt, logger: Logger) {
        guard let mapped = retried.mapped else {
            logger.error("stored receipt can no longer be read; marked orphaned", metadata: [
                "provider": .string(retried.stored.provider.rawValue),
                "receipt_id": .stringConvertible(retried.stored.id),
            ])
            return
        }
        var metadata = Self.metadata(of: mapped.receipt, notificationID: retried.result.notificationID.map(UUIDText.lowercase))
        metadata["outcome"] = .string(retried.result.outcome.rawValue)
        metadata["attempts"] = .stringConvertible(retried.stored.attempts + 1)
        metadata["receipt_id"] = .stringConvertible(retried.stored.id)
        if let status = retried.result.statusWritten { metadata["status"] = .string(status.rawValue) }
        if let failure = retried.failure {
            logger.warning("stored receipt could not be applied now; postponed", metadata: metadata.merging(["error": "\(failure)"]) { $1 })
            return
        }
        switch retried.result.outcome {
        case .orphaned: logger.warning("receipt orphaned: no notification in flight appeared in time", metadata: metadata)
        case .waiting: logger.debug("receipt still waiting", metadata: metadata)
        default: logger.info("waiting receipt applied", metadata: metadata)
        }
    }

    /// A request could not be read as a receipt.
    func rejected(_ error: InvalidCallback, logger: Logger) {
        logger.warning("callback rejected", metadata: [
            "provider": .string(error.provider.rawValue),
            "problems": .array(error.problems.map { .string($0) }),
        ])
    }

    /// A request was refused as not coming from its provider; the reason names no secret and no value of the body.
    func refused(_ provider: Provider, reason: String, logger: Logger) {
        logger.warning("request refused: not shown to come from its provider", metadata: [
            "provider": .string(provider.rawValue), "reason": .string(LogSafe.bounded(reason)),
        ])
    }

    /// An event of a batch could not be read; it was stored as `invalid`.
    func unreadableEvent(_ provider: Provider, problems: [String], logger: Logger) {
        logger.warning("an event of a batch could not be read; stored as invalid", metadata: [
            "provider": .string(provider.rawValue), "problems": .array(problems.map { .string($0) }),
        ])
    }

    func unsubscribeConfirmation(_ message: SNSControlMessage, logger: Logger) {
        logger.warning("SNS unsubscribe confirmation received: this topic no longer delivers SES receipts", metadata: [
            "provider": "ses", "topic_arn": .string(LogSafe.bounded(message.topicARN)), "message_id": .string(LogSafe.token(message.messageID)),
        ])
    }

    private static func metadata(of receipt: ProviderReceipt, notificationID: String?) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "provider": .string(receipt.provider.rawValue),
            "raw_status": .string(LogSafe.token(receipt.rawStatus)),
        ]
        if let notificationID { metadata["notification_id"] = .string(notificationID) }
        if let detail = receipt.detailCode { metadata["detail_code"] = .string(LogSafe.token(detail)) }
        if let reason = receipt.reason { metadata["reason"] = .string(LogSafe.token(reason)) }
        return metadata
    }

}
