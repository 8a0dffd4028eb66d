import Foundation
import Testing
import TestSupport

/// The SNS settings of `serve`: checked at start-up, and what start-up says about them.
@Suite("callback-gateway serve: SNS settings")
struct SNSSettingsTests {
    @Test("a bad SNS setting stops start-up with a message naming it and exit 78", arguments: [
        (["SNS_TOPIC_ARNS": "arn:aws:sns:eu-west-2:123456789012:ok,ses-callbacks"],
         "SNS_TOPIC_ARNS holds \"ses-callbacks\", which is not an SNS topic ARN"),
        (["SNS_TOPIC_ARNS": "arn:aws:sns:eu-west-2:123456789012:topic:c9135db0-26c4-47ec-8998-413945fb5a96"], "which is not an SNS topic ARN"),
        (["SNS_CERTIFICATE_DIR": "/nonexistent/sns-certificates"],
         "SNS_CERTIFICATE_DIR is \"/nonexistent/sns-certificates\", which is not a folder this process can read"),
        (["SNS_CERTIFICATE_DIR": SNSFixtures.root.appendingPathComponent("Package.swift").path], "which is not a folder this process can read"),
        (["INSECURE_SKIP_SNS_VERIFICATION": "maybe"], "INSECURE_SKIP_SNS_VERIFICATION is \"maybe\"; use one of"),
        (["SNS_CONFIRM_SUBSCRIPTIONS": "sometimes"], "SNS_CONFIRM_SUBSCRIPTIONS is \"sometimes\"; use one of"),
    ])
    func badSetting(environment: [String: String], message: String) async throws {
        let output = try await Gateway.run(["serve"], environment: environment)
        #expect(output.status == 78)
        #expect(output.standardError.contains(message), "\(output.standardError)")
    }

    @Test("the flags are read, and win over their variables")
    func flags() async throws {
        let output = try await Gateway.run(["serve", "--sns-certificate-dir", "/nonexistent/flag", "--insecure-skip-sns-verification"],
                                           environment: ["SNS_CERTIFICATE_DIR": SNSFixtures.certificateDirectory])
        #expect(output.status == 78)
        #expect(output.standardError.contains("--sns-certificate-dir is \"/nonexistent/flag\""), "\(output.standardError)")
    }

    @Test("verification off: start-up warns, and an unsigned SES message is accepted")
    func insecure() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending, type: "email", reference: "0102019a-insecure")
            let server = try await RunningGateway.start(database: database, environment: ["INSECURE_SKIP_SNS_VERIFICATION": "1"])
            defer { server.stop() }
            let (status, _) = try await server.post("/notifications/email/ses", Self.unsigned(reference: "0102019a-insecure"),
                                                    contentType: "text/plain; charset=UTF-8", headers: ["x-amz-sns-message-type": "Notification"])
            #expect(status == 200)
            #expect(try await database.notification(id)?.status == .delivered)
            #expect(server.process.standardError.contains("SNS signature verification is OFF"))
        }
    }

    @Test("verification on without SNS_TOPIC_ARNS: start-up says to set it, and every SES message is refused")
    func noTopics() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending, type: "email", reference: "0102019a-no-topics")
            let server = try await RunningGateway.start(database: database, environment: ["SNS_TOPIC_ARNS": ""])
            defer { server.stop() }
            let body = try SNSFixtures.signedJSON(Self.members(reference: "0102019a-no-topics"))
            let (status, answer) = try await server.post("/notifications/email/ses", body, contentType: "text/plain; charset=UTF-8",
                                                         headers: ["x-amz-sns-message-type": "Notification"])
            #expect(status == 403)
            #expect(answer == #"{"message":["SNS message not accepted"],"result":"error"}"#)
            #expect(try await database.notification(id)?.status == .sending)
            #expect(server.process.standardError.contains("SNS_TOPIC_ARNS is not set: every SES message is refused (403)"))
        }
    }

    @Test("with the fixture settings, a message signed with the fixture key is applied and an unsigned one refused")
    func verified() async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending, type: "email", reference: "0102019a-verified")
            let server = try await RunningGateway.start(database: database)
            defer { server.stop() }
            let signed = try SNSFixtures.signedJSON(Self.members(reference: "0102019a-verified"), version: .sha256WithRSA)
            let headers = ["x-amz-sns-message-type": "Notification"]
            let (unsignedStatus, _) = try await server.post("/notifications/email/ses", Self.unsigned(reference: "0102019a-verified"),
                                                            contentType: "text/plain; charset=UTF-8", headers: headers)
            let (signedStatus, _) = try await server.post("/notifications/email/ses", signed, contentType: "text/plain; charset=UTF-8", headers: headers)
            #expect(unsignedStatus == 403)
            #expect(signedStatus == 200)
            #expect(try await database.notification(id)?.status == .delivered)
            #expect(server.process.standardError.contains("SNS message not accepted"))
        }
    }

    private static func members(reference: String) -> [String: String] {
        [
            "Type": "Notification", "MessageId": UUID().uuidString.lowercased(), "TopicArn": SNSFixtures.topicARN,
            "Timestamp": "2026-11-29T10:15:01.120Z",
            "Message": #"{"notificationType":"Delivery","mail":{"messageId":"\#(reference)"},"delivery":{"timestamp":"2026-11-29T10:15:00.000Z"}}"#,
        ]
    }

    private static func unsigned(reference: String) -> String {
        SNSFixtures.json(members(reference: reference))
    }
}
