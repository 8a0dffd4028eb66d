import Foundation
import Testing

@testable import CallbackCore

@Suite("SNS canonical string")
struct SNSCanonicalStringTests {
    private static let notification = [
        "Type": "Notification", "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic", "Subject": "My First Message",
        "Message": "Hello world!\n  with \"quotes\" and trailing space ", "Timestamp": "2012-05-02T00:54:06.655Z",
        "SignatureVersion": "1", "Signature": "EXAMPLEw6JRN...", "SigningCertURL": "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
        "UnsubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe",
    ]

    @Test("a Notification: Message, MessageId, Subject, Timestamp, TopicArn, Type, values exactly as sent")
    func notification() throws {
        #expect(try SNSCanonicalString.build(Self.notification) == """
            Message
            Hello world!
              with "quotes" and trailing space\u{20}
            MessageId
            22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324
            Subject
            My First Message
            Timestamp
            2012-05-02T00:54:06.655Z
            TopicArn
            arn:aws:sns:us-west-2:123456789012:MyTopic
            Type
            Notification

            """)
    }

    @Test("Subject is signed only when the message has one")
    func withoutSubject() throws {
        var members = Self.notification
        members["Subject"] = nil
        #expect(try SNSCanonicalString.build(members).hasPrefix("Message\nHello world!\n  with \"quotes\" and trailing space \nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nTimestamp\n"))
        #expect(SNSCanonicalString.memberNames(for: .notification, hasSubject: false) == ["Message", "MessageId", "Timestamp", "TopicArn", "Type"])
    }

    @Test("confirmations sign Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type", arguments: [
        SNSMessageType.subscriptionConfirmation, .unsubscribeConfirmation,
    ])
    func confirmation(type: SNSMessageType) throws {
        let members = [
            "Type": type.rawValue, "MessageId": "165545c9", "Token": "2336412f37f", "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
            "Message": "You have chosen to subscribe", "SubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37f",
            "Timestamp": "2012-04-26T20:45:04.751Z", "Subject": "ignored for confirmations",
        ]
        #expect(try SNSCanonicalString.build(members) == """
            Message\nYou have chosen to subscribe\nMessageId\n165545c9\nSubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37f
            Timestamp\n2012-04-26T20:45:04.751Z\nToken\n2336412f37f\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\n\(type.rawValue)\n
            """)
    }

    @Test("a signed member missing, or an unknown Type, cannot be rebuilt")
    func missing() {
        var members = Self.notification
        members["Timestamp"] = nil
        #expect(throws: SNSCanonicalStringError.missing("Timestamp")) { try SNSCanonicalString.build(members) }
        members["Type"] = "Notice"
        #expect(throws: SNSCanonicalStringError.unknownType) { try SNSCanonicalString.build(members) }
    }

    @Test("read from a body, members are kept exactly as sent (untrimmed, JSON escapes decoded)")
    func fromBody() throws {
        let body = #"{"Type":"Notification","MessageId":" id ","TopicArn":"arn:aws:sns:eu-west-2:123456789012:t","Message":"{\"a\":\"\u00e9\"}\n","Timestamp":"2026-11-29T10:15:01.120Z","Subject":null}"#
        let message = try SNSSignedMessage.read(Array(body.utf8))
        #expect(message.type == .notification)
        #expect(try message.canonicalString() == "Message\n{\"a\":\"é\"}\n\nMessageId\n id \nTimestamp\n2026-11-29T10:15:01.120Z\nTopicArn\narn:aws:sns:eu-west-2:123456789012:t\nType\nNotification\n")
    }

    @Test("a body that is not an SNS envelope is refused, and the SES adapter refuses it too, for the same reasons and more")
    func notAnEnvelope() {
        for body in ["not json", #"{"Type":"Notice"}"#, #"{"Type":"Notification","Subject":5}"#, "[]", "{\"Type\":\"Notification\",\"Message\":\"a\\u0000\"}"] {
            let adapterProblems = SESAdapter().problems(CallbackPayload(body: body, contentType: "text/plain"))
            #expect(throws: InvalidCallback.self) { try SNSSignedMessage.read(Array(body.utf8)) }
            do {
                _ = try SNSSignedMessage.read(Array(body.utf8))
            } catch {
                #expect(!error.problems.isEmpty && Set(error.problems).isSubset(of: adapterProblems), "\(body)")
            }
        }
    }
}
