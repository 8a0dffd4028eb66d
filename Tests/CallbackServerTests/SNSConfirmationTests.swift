import CallbackCore
import CallbackServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

/// Subscription confirmations: verified first, then confirmed by a GET of `SubscribeURL`, here answered by a real
/// local HTTP server standing in for Amazon SNS (the gateway's real `URLSession` opener, pointed at it, since no
/// local server can be `sns.<region>.amazonaws.com`; the host rule itself is tested in `SNSURLPolicyTests`).
@Suite("SNS subscription confirmation")
struct SNSConfirmationTests {
    @Test("a verified confirmation is confirmed with one GET of its SubscribeURL and answered 200")
    func confirmed() async throws {
        try await WebhookReceiver.withReceiver { sns in
            try await TestDatabase.with { database in
                let harness = try Harness(database: database)
                let key = try SNSTestKey()
                let body = try key.signed(SNSTestKey.confirmation(), version: .sha256WithRSA)
                let (status, answer) = try await harness.test(sns: key.gate(opener: LocalSNSOpener(port: sns.port))) { client in
                    try await client.sns(body, type: "SubscriptionConfirmation")
                }
                #expect(status == .ok)
                #expect(answer?.outcome == "subscription-confirmed")
                let requests = sns.requests
                #expect(requests.map(\.method) == ["GET"])
                #expect(requests.first?.target == "/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:111122223333:ses-receipts&Token=2336412f37fb")
                #expect(harness.logs.all.contains { $0.message == "SNS subscription confirmed" && $0.metadata["topic_arn"] == SNSTestKey.topic })
                // The URL holds the subscription's token: it is not logged when the gateway confirms.
                #expect(!harness.logs.all.contains { $0.line.contains("2336412f37fb") })
                #expect(try await database.count("callback_receipts") == 0)
            }
        }
    }

    @Test("when SNS does not confirm (an error status, a redirect, no answer), the answer is 502 so that SNS sends it again",
          arguments: [WebhookReceiver.Answer.status(500), .respond(status: 302, headers: ["Location": "/elsewhere"], body: "")])
    func confirmationFails(answer: WebhookReceiver.Answer) async throws {
        try await WebhookReceiver.withReceiver { sns in
            sns.answer(answer)
            try await TestDatabase.with { database in
                let harness = try Harness(database: database)
                let key = try SNSTestKey()
                let body = try key.signed(SNSTestKey.confirmation())
                let (status, reply) = try await harness.test(sns: key.gate(opener: LocalSNSOpener(port: sns.port))) { client in
                    try await client.sns(body, type: "SubscriptionConfirmation")
                }
                #expect(status == .badGateway)
                #expect(reply?.result == "error")
                #expect(sns.requests.count == 1, "one GET, and a redirect is not followed")
                #expect(harness.logs.all.contains { $0.level == .warning && $0.message.hasPrefix("SNS subscription confirmation failed") })
            }
        }
    }

    @Test("a confirmation that cannot reach SNS is answered 502")
    func unreachable() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let key = try SNSTestKey()
            let opener = RecordingOpener()
            opener.answer(.failure(.timedOut))
            let body = try key.signed(SNSTestKey.confirmation())
            let (status, _) = try await harness.test(sns: key.gate(opener: opener)) { client in
                try await client.sns(body, type: "SubscriptionConfirmation")
            }
            #expect(status == .badGateway)
            #expect(harness.logs.all.contains { $0.metadata["error"] == "the confirmation request failed: no answer in time" })
        }
    }

    @Test("a confirmation is never followed when its signature, its topic or its SubscribeURL is not accepted", arguments: Refusal.allCases)
    func refused(refusal: Refusal) async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let key = try SNSTestKey()
            let opener = RecordingOpener()
            let body = try refusal.body(key: key)
            let (status, _) = try await harness.test(sns: key.gate(opener: opener)) { client in
                try await client.sns(body, type: "SubscriptionConfirmation")
            }
            #expect(status == .forbidden)
            #expect(opener.urls.isEmpty)
            #expect(harness.logs.all.contains { $0.message == "SNS message not accepted" })
        }
    }

    enum Refusal: String, CaseIterable, CustomTestStringConvertible {
        case badSignature, wrongTopic, subscribeURLOnAnotherHost, subscribeURLOverHTTP

        var testDescription: String { rawValue }

        func body(key: SNSTestKey) throws -> String {
            switch self {
            case .badSignature:
                return try SNSTestKey().signed(SNSTestKey.confirmation(), certificateURL: key.url)
            case .wrongTopic:
                return try key.signed(SNSTestKey.confirmation(topic: "arn:aws:sns:eu-west-1:999988887777:not-ours"))
            case .subscribeURLOnAnotherHost:
                return try key.signed(SNSTestKey.confirmation(subscribeURL: "https://sns.eu-west-1.amazonaws.com.evil.test/?Action=ConfirmSubscription"))
            case .subscribeURLOverHTTP:
                return try key.signed(SNSTestKey.confirmation(subscribeURL: "http://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"))
            }
        }
    }

    @Test("with SNS_CONFIRM_SUBSCRIPTIONS=no, a verified confirmation is logged with its URL for an operator and answered 200")
    func leftToOperator() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let key = try SNSTestKey()
            let opener = RecordingOpener()
            let body = try key.signed(SNSTestKey.confirmation())
            let (status, answer) = try await harness.test(sns: key.gate(confirm: false, opener: opener)) { client in
                try await client.sns(body, type: "SubscriptionConfirmation")
            }
            #expect(status == .ok)
            #expect(answer?.outcome == "subscription-confirmation-received")
            #expect(opener.urls.isEmpty)
            #expect(harness.logs.all.contains { $0.metadata["subscribe_url"]?.hasSuffix("Token=2336412f37fb") == true })
        }
    }

    @Test("an UnsubscribeConfirmation is verified, logged at warning level and answered 200; never followed")
    func unsubscribe() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let key = try SNSTestKey()
            let opener = RecordingOpener()
            let signed = try key.signed(SNSTestKey.confirmation(.unsubscribeConfirmation))
            let forged = try SNSTestKey().signed(SNSTestKey.confirmation(.unsubscribeConfirmation), certificateURL: key.url)
            let statuses = try await harness.test(sns: key.gate(opener: opener)) { client in
                [try await client.sns(signed, type: "UnsubscribeConfirmation").0, try await client.sns(forged, type: "UnsubscribeConfirmation").0]
            }
            #expect(statuses == [.ok, .forbidden])
            #expect(opener.urls.isEmpty)
            #expect(harness.logs.all.filter { $0.level == .warning && $0.message.contains("unsubscribe confirmation") }.count == 1)
        }
    }
}
