import CallbackCore
import CallbackServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing
import TestSupport

/// SNS messages on the SES route, signed in each test with a key and certificate the test generates. The
/// certificate is served through an injected fetcher at an Amazon-looking URL, so the URL checks run as they do in
/// production; only what the fetcher returns is local.
@Suite("SNS verification on the SES route")
struct SNSVerificationTests {
    static let reference = "0102019a-sns-verification-000000"

    /// A database with an email notification in flight whose SES message id is ``reference``.
    private static func withNotification(_ body: (TestDatabase, Harness, UUID) async throws -> Void) async throws {
        try await TestDatabase.with { database in
            let id = try await database.insertNotification(status: .sending, type: "email", reference: reference)
            try await body(database, try Harness(database: database), id)
        }
    }

    @Test("a Notification signed with SignatureVersion 1 (SHA1withRSA) or 2 (SHA256withRSA) is verified and applied",
          arguments: SNSSignatureVersion.allCases)
    func validSignature(version: SNSSignatureVersion) async throws {
        try await Self.withNotification { database, harness, id in
            let key = try SNSTestKey()
            let body = try key.signed(SNSTestKey.delivery(Self.reference), version: version)
            let (status, answer) = try await harness.test(sns: key.gate()) { client in try await client.sns(body) }
            #expect(status == .ok)
            #expect(answer?.outcome == "applied")
            #expect(try await database.notification(id)?.status == .delivered)
            #expect(key.fetcher.urls.map(\.absoluteString) == [key.url])
        }
    }

    @Test("refused with 403 before anything is stored", arguments: Forgery.allCases)
    func forged(forgery: Forgery) async throws {
        try await Self.withNotification { database, harness, id in
            let key = try SNSTestKey()
            let (body, type) = try forgery.body(key: key)
            let (status, answer) = try await harness.test(sns: key.gate()) { client in try await client.sns(body, type: type) }
            #expect(status == .forbidden)
            #expect(answer == Answer(result: "error", message: ["SNS message not accepted"]))
            #expect(try await database.notification(id)?.status == .sending)
            #expect(try await database.count("callback_receipts") == 0)
            let warnings = harness.logs.all.filter { $0.level == .warning && $0.message == "SNS message not accepted" }
            #expect(warnings.count == 1)
            #expect(warnings.first?.metadata["reason"]?.contains(forgery.loggedReason) == true, "\(warnings.first?.metadata ?? [:])")
            // The log says why, never what the message said.
            #expect(!harness.logs.all.contains { $0.line.contains("recipient@example.com") || $0.line.contains(Self.reference) })
            if forgery.neverFetches { #expect(key.fetcher.count == 0, "no certificate fetched for a message refused before") }
        }
    }

    /// Each way a message can fail verification, with the reason the log gives.
    enum Forgery: String, CaseIterable, CustomTestStringConvertible {
        case badSignature, tamperedMessage, wrongTopic, noTopicHeader, typeHeaderMismatch
        case otherHost, lookalikeHost, plainHTTP, wrongPath, userInfo, otherPort, query
        case unknownSignatureVersion, noSignatureVersion, signatureNotBase64, noSignature

        var testDescription: String { rawValue }

        func body(key: SNSTestKey) throws -> (body: String, type: String?) {
            let delivery = SNSTestKey.delivery(SNSVerificationTests.reference)
            let certificate = "SimpleNotificationService-\(key.url.split(separator: "-").last ?? "x")"
            switch self {
            case .badSignature:
                // Signed by a key other than the certificate's.
                let other = try SNSTestKey()
                return (try other.signed(delivery, certificateURL: key.url), "Notification")
            case .tamperedMessage:
                var members = try Self.members(key.signed(delivery))
                members["Message"] = members["Message"]?.replacingOccurrences(of: "Delivery", with: "Bounce")
                return (SNSFixtures.json(members), "Notification")
            case .wrongTopic:
                return (try key.signed(SNSTestKey.delivery(SNSVerificationTests.reference, topic: "arn:aws:sns:eu-west-1:999988887777:not-ours")), "Notification")
            case .noTopicHeader:
                return (try key.signed(delivery), nil)
            case .typeHeaderMismatch:
                return (try key.signed(delivery), "SubscriptionConfirmation")
            case .otherHost:
                return (try key.signed(delivery, certificateURL: "https://certificates.example.com/\(certificate)"), "Notification")
            case .lookalikeHost:
                return (try key.signed(delivery, certificateURL: "https://sns.x.amazonaws.com.evil.test/\(certificate)"), "Notification")
            case .plainHTTP:
                return (try key.signed(delivery, certificateURL: key.url.replacingOccurrences(of: "https:", with: "http:")), "Notification")
            case .wrongPath:
                return (try key.signed(delivery, certificateURL: "https://sns.eu-west-1.amazonaws.com/certs/\(certificate)"), "Notification")
            case .userInfo:
                return (try key.signed(delivery, certificateURL: key.url.replacingOccurrences(of: "https://", with: "https://evil.test@")), "Notification")
            case .otherPort:
                return (try key.signed(delivery, certificateURL: key.url.replacingOccurrences(of: ".com/", with: ".com:8443/")), "Notification")
            case .query:
                return (try key.signed(delivery, certificateURL: key.url + "?from=evil.test"), "Notification")
            case .unknownSignatureVersion, .noSignatureVersion, .signatureNotBase64, .noSignature:
                var members = try Self.members(key.signed(delivery, version: .sha256WithRSA))
                switch self {
                case .unknownSignatureVersion: members["SignatureVersion"] = "3"
                case .noSignatureVersion: members["SignatureVersion"] = nil
                case .signatureNotBase64: members["Signature"] = "not base64!"
                default: members["Signature"] = nil
                }
                return (SNSFixtures.json(members), "Notification")
            }
        }

        var loggedReason: String {
            switch self {
            case .badSignature, .tamperedMessage: "the signature does not match the message"
            case .wrongTopic: "TopicArn is not one of SNS_TOPIC_ARNS"
            case .noTopicHeader, .typeHeaderMismatch: "x-amz-sns-message-type header does not match"
            case .otherHost, .lookalikeHost: "SigningCertURL refused: host is not sns.<region>.amazonaws.com"
            case .plainHTTP: "SigningCertURL refused: not https"
            case .wrongPath: "SigningCertURL refused: path is not"
            case .userInfo: "SigningCertURL refused: carries a user name"
            case .otherPort: "SigningCertURL refused: names a port"
            case .query: "SigningCertURL refused: has a query"
            case .unknownSignatureVersion, .noSignatureVersion: "SignatureVersion is neither 1 nor 2"
            case .signatureNotBase64, .noSignature: "Signature is missing or not base64"
            }
        }

        /// Whether the message is refused before its certificate is asked for.
        var neverFetches: Bool { self != .badSignature && self != .tamperedMessage }

        private static func members(_ json: String) throws -> [String: String] {
            try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        }
    }

    @Test("an expired certificate, or one not valid yet, is refused", arguments: [true, false])
    func certificateValidity(expired: Bool) async throws {
        try await Self.withNotification { database, harness, _ in
            let key = expired
                ? try SNSTestKey(notBefore: Date(timeIntervalSinceNow: -86400 * 30), notAfter: Date(timeIntervalSinceNow: -86400))
                : try SNSTestKey(notBefore: Date(timeIntervalSinceNow: 86400), notAfter: Date(timeIntervalSinceNow: 86400 * 30))
            let body = try key.signed(SNSTestKey.delivery(Self.reference))
            let (status, _) = try await harness.test(sns: key.gate()) { client in try await client.sns(body) }
            #expect(status == .forbidden)
            let reason = expired ? "the signing certificate has expired" : "the signing certificate is not valid yet"
            #expect(harness.logs.all.contains { $0.metadata["reason"] == reason })
            #expect(try await database.count("callback_receipts") == 0)
        }
    }

    @Test("a certificate valid now is refused once the clock passes its end, though it was fetched and read before")
    func certificateExpiresWhileCached() async throws {
        try await Self.withNotification { _, harness, _ in
            let key = try SNSTestKey(notAfter: Date(timeIntervalSinceNow: 3600))
            let hoursLater = Atomic<Int>(0)
            let gate = key.gate(now: { Date(timeIntervalSinceNow: Double(hoursLater.load(ordering: .relaxed) * 3600)) })
            let body = try key.signed(SNSTestKey.delivery(Self.reference))
            let statuses = try await harness.test(sns: gate) { client in
                let now = try await client.sns(body).0
                hoursLater.store(2, ordering: .relaxed)
                let later = try await client.sns(body).0
                return [now, later]
            }
            #expect(statuses == [.ok, .forbidden])
            #expect(harness.logs.all.contains { $0.metadata["reason"] == "the signing certificate has expired" })
        }
    }

    @Test("with SNS_TOPIC_ARNS unset and verification on, even a correctly signed message is refused")
    func noTopicsConfigured() async throws {
        try await Self.withNotification { database, harness, _ in
            let key = try SNSTestKey()
            let body = try key.signed(SNSTestKey.delivery(Self.reference))
            let (status, _) = try await harness.test(sns: key.gate(topics: [])) { client in try await client.sns(body) }
            #expect(status == .forbidden)
            #expect(harness.logs.all.contains { $0.metadata["reason"]?.contains("SNS_TOPIC_ARNS is not set") == true })
            #expect(key.fetcher.count == 0)
            #expect(try await database.count("callback_receipts") == 0)
        }
    }

    @Test("with verification off, an unsigned message is accepted, but the header and a configured topic still count")
    func verificationOff() async throws {
        try await Self.withNotification { database, harness, id in
            let key = try SNSTestKey()
            let unsigned = SNSFixtures.json(SNSTestKey.delivery(Self.reference))
            let otherTopic = SNSFixtures.json(SNSTestKey.delivery(Self.reference, topic: "arn:aws:sns:eu-west-1:999988887777:not-ours"))
            let answers = try await harness.test(sns: key.gate(verify: false)) { client in
                [try await client.sns(otherTopic).0, try await client.sns(unsigned, type: "UnsubscribeConfirmation").0, try await client.sns(unsigned).0]
            }
            #expect(answers == [.forbidden, .forbidden, .ok])
            #expect(try await database.notification(id)?.status == .delivered)
            #expect(key.fetcher.count == 0)
            let anyTopic = try await harness.test(sns: key.gate(topics: [], verify: false)) { client in try await client.sns(otherTopic).0 }
            #expect(anyTopic == .ok)
        }
    }

    @Test("a certificate is fetched once, however many messages name it, even when they arrive together")
    func certificateFetchedOnce() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let key = try SNSTestKey(fetchDelay: .milliseconds(200))
            let references = (0..<20).map { "0102019a-fetch-once-\($0)" }
            for reference in references { try await database.insertNotification(status: .sending, type: "email", reference: reference) }
            let bodies = try references.map { try key.signed(SNSTestKey.delivery($0)) }
            let gate = key.gate()
            let later = try key.signed(SNSTestKey.delivery("0102019a-fetch-once-0"))
            let statuses = try await harness.test(sns: gate) { client in
                var statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for body in bodies { group.addTask { try await client.sns(body).0 } }
                    return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
                }
                statuses.append(try await client.sns(later).0)
                return statuses
            }
            #expect(statuses.count == 21)
            #expect(statuses.allSatisfy { $0 == .ok }, "\(statuses)")
            #expect(key.fetcher.count == 1)
        }
    }

    @Test("a fetch that failed is not kept: the next message fetches again")
    func failedFetchRetried() async throws {
        try await Self.withNotification { _, harness, _ in
            let identity = try SNSTestKey()
            let flaky = CountingCertificateFetcher(pem: identity.identity.certificatePEM, failFirst: 1)
            let gate = SNSMessageGate(configuration: SNSConfiguration(topicARNs: [SNSTestKey.topic]), certificateFetcher: flaky)
            let body = try identity.signed(SNSTestKey.delivery(Self.reference))
            let statuses = try await harness.test(sns: gate) { client in [try await client.sns(body).0, try await client.sns(body).0] }
            #expect(statuses == [.forbidden, .ok])
            #expect(flaky.count == 2)
            #expect(harness.logs.all.contains { $0.metadata["reason"] == "certificate fetch answered HTTP 503" })
        }
    }

    @Test("a body that is not an SNS envelope is a 400 listing its problems, as before verification")
    func notAnEnvelope() async throws {
        try await Self.withNotification { _, harness, _ in
            let answers = try await harness.test { client in
                [try await client.sns("{\"Type\":\"Notice\"}"), try await client.sns("not json")]
            }
            #expect(answers.map(\.0) == [.badRequest, .badRequest])
            #expect(answers[0].1?.message?.first?.contains("Type must be one of") == true)
        }
    }

    @Test("a refusal counts callback.ses.rejected and the 403 request")
    func rejectedMetric() async throws {
        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                let metered = try MetricsTests.Metered(database: database, port: listener.port)
                let body = Bodies.snsEnvelope(message: "{}", extra: ["TopicArn": "arn:aws:sns:eu-west-2:123456789012:not-ours"])
                let (status, _) = try await metered.test { client in try await client.sns(body) }
                #expect(status == .forbidden)
                let expected = ["notifications.api.callback.ses.rejected:1|c", "notifications.api.POST.ses_callback.process_ses_response.403:1|c"]
                let lines = await listener.lines(waitingUpTo: .seconds(20)) { lines in expected.allSatisfy(lines.contains) }
                for line in expected { #expect(lines.contains(line)) }
                #expect(!lines.contains { $0.contains("callback.ses.invalid") })
            }
        }
    }
}

extension TestClientProtocol {
    /// Posts to the SES route as SNS does, with `type` as `x-amz-sns-message-type` (none when `nil`).
    func sns(_ body: String, type: String? = "Notification") async throws -> (HTTPResponse.Status, Answer?) {
        var headers: HTTPFields = [:]
        if let type { headers[HTTPField.Name("x-amz-sns-message-type")!] = type }
        return try await post("/notifications/email/ses", body, contentType: Bodies.snsType, headers: headers)
    }
}
