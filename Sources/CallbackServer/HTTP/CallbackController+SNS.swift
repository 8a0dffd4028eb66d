import CallbackCore
import Hummingbird
import Logging

/// The SES route's SNS side: which messages get past the envelope, and what a subscription confirmation does.
extension CallbackController {
    /// The answer that stops an SNS message, or the verified message when it may go on to the SES adapter.
    ///
    /// A body that is not an SNS envelope at all gets the 400 the adapter always gave it (nothing of it is
    /// trusted or stored either way); a message that fails verification gets 403 with a message that says
    /// nothing of why (the reason is logged), and counts `callback.ses.rejected`.
    func screenSNS(_ payload: CallbackPayload, logger: Logger) async -> SNSScreening {
        let message: SNSSignedMessage
        do {
            message = try SNSSignedMessage.read(payload.body)
        } catch {
            // Listed with every problem the adapter finds in it, as before verification; the adapter refuses whatever
            // the envelope reader refuses, and should it not, the reader's own problems still make this a 400.
            var invalid = error
            do {
                _ = try interpreter.interpret(payload, from: .ses)
            } catch {
                invalid = error
            }
            receiptLog.rejected(invalid, logger: logger)
            receiptMetrics.invalid(.ses)
            return .refused(ResultEnvelope.error(.badRequest, invalid.problems))
        }
        do {
            try await sns.verifier.verify(message, typeHeader: payload.headers["x-amz-sns-message-type"])
            return .verified(message)
        } catch {
            return .refused(notAccepted(error.description, type: message.type, topicARN: message.topicARN, logger: logger))
        }
    }

    /// Confirms a verified subscription (200), or says it could not (502, so that SNS sends it again); with
    /// `SNS_CONFIRM_SUBSCRIPTIONS=no`, logs the URL for an operator and answers 200.
    func confirmSubscription(_ message: SNSControlMessage, logger: Logger) async -> Response {
        guard sns.configuration.confirmSubscriptions else {
            SNSLog.subscriptionConfirmationForOperator(message, logger: logger)
            return ResultEnvelope.success(outcome: "subscription-confirmation-received")
        }
        do {
            try await sns.confirmer.confirm(message.subscribeURL)
        } catch .urlRefused(let problem) {
            // Not a URL the gateway will open: refused like any message that is not accepted, not retried.
            let reason = SubscriptionConfirmationError.urlRefused(problem).description
            return notAccepted(reason, type: .subscriptionConfirmation, topicARN: message.topicARN, logger: logger)
        } catch {
            SNSLog.subscriptionConfirmationFailed(message, error, logger: logger)
            return ResultEnvelope.error(.badGateway, ["the subscription could not be confirmed with SNS; send the confirmation again"])
        }
        SNSLog.subscriptionConfirmed(message, logger: logger)
        return ResultEnvelope.success(outcome: "subscription-confirmed")
    }

    /// 403, logged with the reason and counted as `callback.ses.rejected`.
    private func notAccepted(_ reason: String, type: SNSMessageType?, topicARN: String?, logger: Logger) -> Response {
        SNSLog.rejected(reason, type: type, topicARN: topicARN, logger: logger)
        receiptMetrics.rejected(.ses)
        return ResultEnvelope.error(.forbidden, ["SNS message not accepted"])
    }
}
