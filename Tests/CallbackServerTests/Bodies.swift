import Foundation
import Testing
import TestSupport

/// Request bodies as each provider sends them.
enum Bodies {
    static let firetextType = "application/x-www-form-urlencoded"
    static let mmgType = "application/json"
    static let snsType = "text/plain; charset=UTF-8"

    static func firetext(reference: String?, status: String?, code: String? = nil, time: String? = "2016-03-10 14:17:00") -> String {
        var fields = ["mobile=447700900123"]
        if let status { fields.append("status=\(status)") }
        if let time { fields.append("time=\(time.replacingOccurrences(of: " ", with: "+").replacingOccurrences(of: ":", with: "%3A"))") }
        if let reference { fields.append("reference=\(reference)") }
        if let code { fields.append("code=\(code)") }
        return fields.joined(separator: "&")
    }

    static func mmg(cid: String, status: String, substatus: String = "1", numeric: Bool = true) -> String {
        let statusValue = numeric ? status : "\"\(status)\""
        return #"{"reference":"mmg-\#(UUID().uuidString.prefix(8))","CID":"\#(cid)","MSISDN":"447700900123","status":\#(statusValue),"substatus":\#(substatus),"deliverytime":"2016-04-05 16:01:07"}"#
    }

    /// An SES event wrapped in an SNS Notification envelope, `Message` being a JSON string.
    static func ses(_ notificationType: String, messageID: String, bounceType: String? = nil) -> String {
        var event: [String: Any] = [
            "notificationType": notificationType,
            "mail": [
                "timestamp": "2017-11-17T12:14:01.643Z",
                "source": "sender@example.com",
                "messageId": messageID,
                "destination": ["recipient@example.com"],
            ],
        ]
        switch notificationType {
        case "Delivery":
            event["delivery"] = ["timestamp": "2017-11-17T12:14:03.646Z", "recipients": ["recipient@example.com"]]
        case "Bounce":
            event["bounce"] = [
                "bounceType": bounceType ?? "Permanent", "bounceSubType": "General",
                "bouncedRecipients": [["emailAddress": "recipient@example.com"]],
                "timestamp": "2017-11-17T12:14:03.646Z",
            ]
        case "Complaint":
            event["complaint"] = [
                "complainedRecipients": [["emailAddress": "recipient@example.com"]],
                "timestamp": "2017-11-17T12:14:05.000Z", "feedbackId": "feedback-\(messageID)",
                "complaintFeedbackType": "abuse",
            ]
        default:
            break
        }
        return snsEnvelope(message: json(event))
    }

    /// An SNS envelope as SNS posts it, signed with the fixture key (`fixtures/sns`); `extra` adds or replaces
    /// members before signing.
    static func snsEnvelope(message: String, type: String = "Notification", extra: [String: String] = [:]) -> String {
        let members = [
            "Type": type,
            "MessageId": UUID().uuidString.lowercased(),
            "TopicArn": SNSFixtures.topicARN,
            "Message": message,
            "Timestamp": "2017-11-17T12:14:03.710Z",
            "UnsubscribeURL": "https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe",
        ].merging(extra) { _, given in given }
        do {
            return try SNSFixtures.signedJSON(members)
        } catch {
            Issue.record("cannot sign with the fixture key: \(error)")
            return json(members)
        }
    }

    static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
