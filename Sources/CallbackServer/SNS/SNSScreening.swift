import CallbackCore
import Hummingbird

/// What screening a request on the SES route found: a verified SNS message to read, or the answer that stops it.
enum SNSScreening {
    /// The message's signature, topic and type are good; the SES adapter reads it from this envelope.
    case verified(SNSSignedMessage)
    /// The request goes no further: this is its answer.
    case refused(Response)
}
