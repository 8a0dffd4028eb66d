import CallbackCore
import CallbackServer
import FixtureSigning
import Foundation
import TestSupport

/// A key and certificate a test generates, with the certificate served as if Amazon published it at ``url``:
/// through an injected fetcher, so the gateway's URL checks still run on the real-looking URL.
struct SNSTestKey {
    static let topic = "arn:aws:sns:eu-west-1:111122223333:ses-receipts"

    let identity: SigningIdentity
    /// `https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-<random>.pem`.
    let url: String
    let fetcher: CountingCertificateFetcher

    /// A fresh RSA 2048 key and a certificate valid from `notBefore` to `notAfter`.
    init(notBefore: Date = Date(timeIntervalSinceNow: -3600), notAfter: Date = Date(timeIntervalSinceNow: 86400), fetchDelay: Duration = .zero) throws {
        identity = try SigningIdentity.generate(notBefore: notBefore, notAfter: notAfter)
        let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        url = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-\(id).pem"
        fetcher = CountingCertificateFetcher(pem: identity.certificatePEM, delay: fetchDelay)
    }

    /// The gate a router verifies with: this key's certificate from the fetcher, `topics` allowed.
    func gate(
        topics: Set<String> = [topic], verify: Bool = true, confirm: Bool = true, opener: any SNSURLOpener = RecordingOpener(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> SNSMessageGate {
        SNSMessageGate(
            configuration: SNSConfiguration(verifySignatures: verify, topicARNs: topics, confirmSubscriptions: confirm),
            certificateFetcher: fetcher, subscriptionOpener: opener, now: now
        )
    }

    /// `members` signed with this key, naming `certificateURL` (this key's URL unless given), as JSON.
    func signed(_ members: [String: String], version: SNSSignatureVersion = .sha1WithRSA, certificateURL: String? = nil) throws -> String {
        let signer = SNSMessageSigner(privateKeyPEM: identity.privateKeyPEM)
        return SNSFixtures.json(try signer.sign(members, version: version, certificateURL: certificateURL ?? url))
    }

    /// The members of an SES Delivery notification for the email whose SES message id is `reference`.
    static func delivery(_ reference: String, topic: String = topic) -> [String: String] {
        let event = #"{"notificationType":"Delivery","mail":{"timestamp":"2026-11-29T10:00:00.000Z","messageId":"\#(reference)","destination":["recipient@example.com"]},"delivery":{"timestamp":"2026-11-29T10:15:00.000Z","recipients":["recipient@example.com"]}}"#
        return [
            "Type": "Notification", "MessageId": UUID().uuidString.lowercased(), "TopicArn": topic, "Message": event,
            "Timestamp": "2026-11-29T10:15:01.120Z",
        ]
    }

    /// The members of a subscription (or unsubscribe) confirmation for `topic`.
    static func confirmation(
        _ type: SNSMessageType = .subscriptionConfirmation, topic: String = topic,
        subscribeURL: String = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:111122223333:ses-receipts&Token=2336412f37fb"
    ) -> [String: String] {
        [
            "Type": type.rawValue, "MessageId": UUID().uuidString.lowercased(), "TopicArn": topic,
            "Message": "You have chosen to subscribe to the topic \(topic).\nTo confirm the subscription, visit the SubscribeURL included in this message.",
            "SubscribeURL": subscribeURL, "Token": "2336412f37fb", "Timestamp": "2026-11-29T10:01:01.120Z",
        ]
    }
}
