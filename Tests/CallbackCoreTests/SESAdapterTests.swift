import Foundation
import Testing
import TestSupport

@testable import CallbackCore

@Suite("SES adapter")
struct SESAdapterTests {
    private static let messageID = "0102015fc9e676fb-12341234-1234-1234-1234-9301e86a4fa8-000000"
    private static let recipient = "recipient@example.com"
    private static let topicARN = "arn:aws:sns:eu-west-1:123456789012:ses-receipts"
    private static let mail = #"""
        "mail":{"timestamp":"2017-11-17T12:14:01.643Z","source":"sender@example.com",\#
        "sendingAccountId":"123456789012","messageId":"\#(messageID)","destination":["\#(recipient)"]}
        """#
    private let adapter = SESAdapter()

    /// An SNS notification envelope around `event`, the SES event as JSON text.
    private static func notification(_ event: String) -> String {
        envelope(["Type": "Notification", "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e", "Message": event])
    }

    /// An SNS envelope with the members SNS always sends, plus `members`.
    private static func envelope(_ members: [String: String]) -> String {
        let common = [
            "TopicArn": topicARN, "Timestamp": "2017-11-17T12:14:04.123Z", "SignatureVersion": "1",
            "Signature": "EXAMPLEpH+..", "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/cert.pem",
        ]
        let object = common.merging(members) { _, given in given }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("a message read from its verified envelope reads as its body does")
    func signedEnvelopeReadsAsBody() throws {
        var bodies = [
            Self.notification(#"{"notificationType":"Delivery",\#(Self.mail),"delivery":{"timestamp":"2017-11-17T12:14:03.646Z"}}"#),
            Self.notification(#"{"notificationType":"Bounce",\#(Self.mail),"bounce":{"bounceType":"Permanent","bounceSubType":"General"}}"#),
            Self.notification(#"{"notificationType":"Complaint",\#(Self.mail),"complaint":{"feedbackId":"f-1","complaintFeedbackType":"abuse"}}"#),
            Self.notification(#"{"eventType":"Delivery",\#(Self.mail)}"#),
            Self.notification(#"{"notificationType":"Delivery"}"#),
            Self.notification(#"{"notificationType":7,\#(Self.mail)}"#),
            Self.notification("not json"),
            Self.envelope(["Type": "Notification"]),
            Self.envelope(["Type": "SubscriptionConfirmation", "MessageId": "m-1", "SubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"]),
            Self.envelope(["Type": "SubscriptionConfirmation", "MessageId": "m-1"]),
            Self.envelope(["Type": "UnsubscribeConfirmation", "MessageId": " "]),
        ]
        for (path, text) in try FixtureFiles.receipts() {
            let fixture = try ReceiptFixtureParser.parse(text, file: path)
            if fixture.provider == .ses { bodies.append(fixture.body) }
        }
        var compared = 0
        for body in bodies {
            guard let signed = try? SNSSignedMessage.read(Array(body.utf8)) else { continue }
            compared += 1
            let payload = CallbackPayload(body: body, contentType: "text/plain; charset=UTF-8")
            let fromBody = Result { () throws(InvalidCallback) in try adapter.parse(payload) }
            let fromEnvelope = Result { () throws(InvalidCallback) in try adapter.parse(signed) }
            #expect(fromEnvelope == fromBody, "\(body)")
        }
        #expect(compared >= 15, "only \(compared) bodies had a readable envelope")
    }

    private func receipt(_ body: String) throws -> ProviderReceipt {
        try adapter.receipt(CallbackPayload(body: body, contentType: "text/plain; charset=UTF-8"))
    }

    private func message(_ body: String) throws -> ProviderMessage {
        try adapter.parse(CallbackPayload(body: body, contentType: "text/plain; charset=UTF-8"))
    }

    private func problems(_ body: String) -> [String] {
        adapter.problems(CallbackPayload(body: body, contentType: "text/plain; charset=UTF-8"))
    }

    @Test("a delivery notification exactly as SNS posts it")
    func deliveryAsSent() throws {
        let body = #"""
            {
              "Type" : "Notification",
              "MessageId" : "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
              "TopicArn" : "arn:aws:sns:eu-west-1:123456789012:ses-receipts",
              "Message" : "{\"notificationType\":\"Delivery\",\"mail\":{\"timestamp\":\"2016-03-14T12:35:25.909Z\",\"source\":\"sender@example.com\",\"sendingAccountId\":\"123456789012\",\"messageId\":\"ref-1\",\"destination\":[\"recipient@example.com\"]},\"delivery\":{\"timestamp\":\"2016-03-14T12:35:26.567Z\",\"processingTimeMillis\":658,\"recipients\":[\"recipient@example.com\"],\"smtpResponse\":\"250 2.0.0 OK\",\"reportingMTA\":\"a6-238.smtp-out.eu-west-1.amazonses.com\"}}",
              "Timestamp" : "2016-03-14T12:35:26.665Z",
              "SignatureVersion" : "1",
              "Signature" : "X8d7eTAOZ6wlnrdVVPYanrAlsX0SMPfOzhoTEBnQqYkrNWTqQY91C0f3bxtPdUhUtOowyPAOkTQ4KnZuzphfhVb2p1MyVYMx==",
              "SigningCertURL" : "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-bb750dd426d95ee9390147a5624348ee.pem",
              "UnsubscribeURL" : "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:123456789012:ses-receipts:d6aad3ef"
            }
            """#
        #expect(try receipt(body) == ProviderReceipt(
            provider: .ses,
            lookup: .reference("ref-1"),
            providerReference: "ref-1",
            rawStatus: "Delivery",
            providerTimestamp: ProviderTimestamp.parse("2016-03-14T12:35:26.567Z")
        ))
    }

    @Test("the provider and media types: SNS labels its JSON text/plain")
    func identity() {
        #expect(adapter.provider == .ses)
        #expect(adapter.acceptedMediaTypes == ["text/plain", "application/json"])
    }

    @Test(
        "a bounce carries its type as the detail code and its subtype as the reason",
        arguments: ["Permanent", "Transient", "Undetermined"]
    )
    func bounce(bounceType: String) throws {
        let receipt = try receipt(Self.notification(#"""
            {"notificationType":"Bounce","bounce":{"feedbackId":"0102015fc9e6-bounce","bounceType":"\#(bounceType)",\#
            "bounceSubType":"General","bouncedRecipients":[{"emailAddress":"\#(Self.recipient)","action":"failed",\#
            "status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"timestamp":"2017-11-17T12:14:03.646Z",\#
            "reportingMTA":"dsn; a7-12.smtp-out.eu-west-1.amazonses.com"},\#(Self.mail)}
            """#))
        #expect(receipt == ProviderReceipt(
            provider: .ses,
            lookup: .reference(Self.messageID),
            providerReference: Self.messageID,
            rawStatus: "Bounce",
            detailCode: bounceType,
            reason: "General",
            providerTimestamp: ProviderTimestamp.parse("2017-11-17T12:14:03.646Z")
        ))
    }

    @Test("a complaint carries its details")
    func complaint() throws {
        let receipt = try receipt(Self.notification(#"""
            {"notificationType":"Complaint","complaint":{"feedbackId":"0102015fc9f58b1b-complaint",\#
            "complaintSubType":null,"complainedRecipients":[{"emailAddress":"\#(Self.recipient)"}],\#
            "timestamp":"2017-11-17T12:35:03.000Z","userAgent":"Mozilla/5.0","complaintFeedbackType":"abuse",\#
            "arrivalDate":"2017-11-17T12:35:02.000Z"},\#(Self.mail)}
            """#))
        let complainedAt = ProviderTimestamp.parse("2017-11-17T12:35:03Z")
        #expect(receipt.rawStatus == "Complaint")
        #expect(receipt.lookup == .reference(Self.messageID))
        #expect(receipt.providerTimestamp == complainedAt)
        #expect(receipt.complaint == ComplaintDetails(
            feedbackID: "0102015fc9f58b1b-complaint", complaintType: "abuse", complainedAt: complainedAt
        ))
    }

    @Test("a complaint without details is still a complaint, timed by the mail")
    func bareComplaint() throws {
        let receipt = try receipt(Self.notification(#"{"notificationType":"Complaint",\#(Self.mail)}"#))
        #expect(receipt.complaint == ComplaintDetails(feedbackID: nil, complaintType: nil, complainedAt: nil))
        #expect(receipt.providerTimestamp == ProviderTimestamp.parse("2017-11-17T12:14:01.643Z"))
    }

    @Test("without its own timestamp an event is timed by the mail")
    func mailTimestamp() throws {
        let receipt = try receipt(Self.notification(#"{"notificationType":"Delivery","delivery":{},\#(Self.mail)}"#))
        #expect(receipt.providerTimestamp == ProviderTimestamp.parse("2017-11-17T12:14:01.643Z"))
        #expect(receipt.detailCode == nil)
        #expect(receipt.complaint == nil)
    }

    @Test("event publishing's eventType stands in for notificationType")
    func eventType() throws {
        let event = #"{"eventType":"Bounce","bounce":{"bounceType":"Transient"},\#(Self.mail)}"#
        let receipt = try receipt(Self.notification(event))
        #expect(receipt.rawStatus == "Bounce")
        #expect(receipt.detailCode == "Transient")
    }

    @Test("an event type the gateway does not know is passed on for the mapping to judge")
    func unknownEventType() throws {
        let receipt = try receipt(Self.notification(#"{"notificationType":"DeliveryDelay",\#(Self.mail)}"#))
        #expect(receipt.rawStatus == "DeliveryDelay")
        #expect(receipt.providerTimestamp == ProviderTimestamp.parse("2017-11-17T12:14:01.643Z"))
    }

    @Test("a subscription confirmation becomes a control message")
    func subscriptionConfirmation() throws {
        let body = Self.envelope([
            "Type": "SubscriptionConfirmation", "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": "2336412f37f", "Message": "You have chosen to subscribe to the topic.",
            "SubscribeURL": " https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37f ",
        ])
        #expect(try message(body) == .subscriptionConfirmation(SNSControlMessage(
            topicARN: Self.topicARN,
            messageID: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            subscribeURL: "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37f"
        )))
    }

    @Test("a subscription confirmation needs its topic, id and URL")
    func subscriptionConfirmationMissingFields() {
        let body = #"{"Type":"SubscriptionConfirmation","TopicArn":" ","Token":"2336412f37f"}"#
        #expect(problems(body) == [
            "SES callback failed: TopicArn missing",
            "SES callback failed: MessageId missing",
            "SES callback failed: SubscribeURL missing",
        ])
    }

    @Test("an unsubscribe confirmation does not need a URL")
    func unsubscribeConfirmation() throws {
        let body = Self.envelope(["Type": "UnsubscribeConfirmation", "MessageId": "47138184-6831-46b8-8f7c-afc488602d7d"])
        #expect(try message(body) == .unsubscribeConfirmation(SNSControlMessage(
            topicARN: Self.topicARN, messageID: "47138184-6831-46b8-8f7c-afc488602d7d", subscribeURL: nil
        )))
    }

    @Test(
        "a Type other than the three SNS sends is refused, naming the allowed values",
        arguments: [
            (#""Unknown""#, "Type must be one of Notification, SubscriptionConfirmation, UnsubscribeConfirmation"),
            (#""notification""#, "Type must be one of Notification, SubscriptionConfirmation, UnsubscribeConfirmation"),
            ("3", "Type must be a string"),
            ("null", "Type missing"),
            (#""""#, "Type missing"),
        ]
    )
    func invalidType(json: String, problem: String) {
        #expect(problems(#"{"Type":\#(json),"Message":"{}"}"#) == ["SES callback failed: \(problem)"])
    }

    @Test(
        "a notification's Message must be the SES event as JSON text",
        arguments: [
            (#""Type":"Notification""#, "Message missing"),
            (#""Type":"Notification","Message":"  ""#, "Message missing"),
            (#""Type":"Notification","Message":"nonsense""#, "Message is not a JSON SES event"),
            (#""Type":"Notification","Message":"[1]""#, "Message is not a JSON SES event"),
            (#""Type":"Notification","Message":{"notificationType":"Delivery"}"#, "Message must be a string"),
        ]
    )
    func invalidMessage(members: String, problem: String) {
        #expect(problems("{\(members)}") == ["SES callback failed: \(problem)"])
    }

    @Test("a missing event type and message id are both reported")
    func eventFieldsMissing() {
        #expect(problems(Self.notification(#"{"mail":{"timestamp":"2017-11-17T12:14:01.643Z"}}"#)) == [
            "SES callback failed: notificationType missing",
            "SES callback failed: mail.messageId missing",
        ])
        #expect(problems(Self.notification("{}")) == [
            "SES callback failed: notificationType missing",
            "SES callback failed: mail.messageId missing",
        ])
        #expect(problems(Self.notification(#"{"eventType":" ",\#(Self.mail)}"#)) == [
            "SES callback failed: eventType missing",
        ])
        #expect(problems(Self.notification(#"{"notificationType":5,"mail":"x"}"#)) == [
            "SES callback failed: notificationType must be a string",
            "SES callback failed: mail must be an object",
        ])
    }

    @Test(
        "a body that is not a JSON object is refused",
        arguments: [("nonsense", "body is not valid JSON"), ("", "body is not valid JSON"), ("[]", "body is not a JSON object")]
    )
    func invalidBody(body: String, problem: String) {
        #expect(problems(body) == ["SES callback failed: \(problem)"])
    }

    @Test("a body that is not UTF-8 text or holds a NUL byte is one problem")
    func notText() {
        let body = Array(Self.notification(#"{"notificationType":"Delivery",\#(Self.mail)}"#).utf8)
        #expect(adapter.problems(CallbackPayload(body: [0xFE] + body)) == ["SES callback failed: body is not UTF-8 text"])
        #expect(adapter.problems(CallbackPayload(body: body + [0])) == ["SES callback failed: body contains a NUL byte"])
    }

    @Test("a NUL character in the envelope or in the event is refused, naming only the field")
    func escapedNUL() {
        #expect(problems(#"{"Type":"Notification","Subject":"a\u0000","Message":"{}"}"#).first
            == "SES callback failed: Subject contains a NUL character")
        let event = #"{"notificationType":"Delivery","mail":{"messageId":"ref\u0000"}}"#
        #expect(problems(Self.notification(event)) == ["SES callback failed: mail contains a NUL character"])
    }

    @Test("problems never repeat email addresses or other values")
    func noValuesInProblems() {
        let event = #"""
            {"notificationType":["\#(Self.recipient)"],"mail":{"messageId":{"to":"\#(Self.recipient)"}},\#
            "\#(Self.recipient)":"\u0000"}
            """#
        let problems = problems(Self.notification(event))
        #expect(problems.count == 3)
        #expect(problems.allSatisfy { !$0.contains("@") })
    }

    @Test("the envelope keeps every member exactly as sent, for signature checks")
    func envelopeKeepsExactText() throws {
        var problems = ProblemList()
        let body = #"{"Type":"Notification","MessageId":" id ","Message":"{}\n","Subject":"","Signature":"c2ln\n"}"#
        let envelope = try #require(SNSEnvelope.decode(Array(body.utf8), problems: &problems))
        #expect(problems.isEmpty)
        #expect(envelope.type == .notification)
        #expect(envelope.messageID == " id ")
        #expect(envelope.message == "{}\n")
        #expect(envelope.subject == "")
        #expect(envelope.signature == "c2ln\n")
        #expect(envelope.signingCertURL == nil)
    }

    @Test("arbitrary bytes, in the body or in Message, never crash the adapter and every refusal says why")
    func arbitraryBytes() {
        var generator = SeededGenerator(seed: 0x5E5)
        let alphabet = Array(#"{}[]:,"\ 0123456789.-TypeNotificationMessagemailId"#.utf8) + [0, 0x80, 0xFF]
        let bodies = generator.bodies(2_000, maxLength: 64, alphabet: alphabet)
        let eventAlphabet = Array(#"{}[]:,"\ 0123456789.-notificationTypeDeliverymailmessageId"#.utf8)
        let messages = generator.bodies(2_000, maxLength: 64, alphabet: eventAlphabet)
            .map { Array(Self.notification(String(decoding: $0, as: UTF8.self)).utf8) }
        let valid = Array(Self.notification(#"{"notificationType":"Delivery",\#(Self.mail)}"#).utf8)
        #expect(adapter.acceptedCount(of: bodies + messages + [valid]) >= 1)
    }

    @Test("several members holding NUL characters are listed in name order, the same on every parse")
    func nulProblemsInNameOrder() {
        let body = #"{"Type":"Notification","TopicArn":"\u0000","Subject":"\u0000","Message":"\u0000","Token":"\u0000","MessageId":"\u0000"}"#
        let expected = ["Message", "MessageId", "Subject", "Token", "TopicArn"].map { "SES callback failed: \($0) contains a NUL character" }
        for _ in 0..<20 {
            #expect(Array(problems(body).prefix(5)) == expected)
        }
    }
}
