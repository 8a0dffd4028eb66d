import CallbackCore
import Foundation
import Testing

@Suite("SNS URL policy")
struct SNSURLPolicyTests {
    @Test("certificate URLs on Amazon SNS's hosts are allowed, rebuilt from what was checked", arguments: [
        ("https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem",
         "https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem"),
        ("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem", "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem"),
        ("https://sns.us-gov-west-1.amazonaws.com:443/SimpleNotificationService-ABC123.pem", "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-ABC123.pem"),
        ("HTTPS://sns.eu-west-1.amazonaws.com/SimpleNotificationService-a.pem", "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-a.pem"),
    ])
    func allowedCertificateURL(text: String, rebuilt: String) throws {
        #expect(try SNSURLPolicy.signingCertificateURL(text).absoluteString == rebuilt)
    }

    @Test("certificate URLs anywhere else are refused, saying why", arguments: [
        ("https://evil.example.com/SimpleNotificationService-abc.pem", SNSURLProblem.hostNotSNS),
        ("https://sns.x.amazonaws.com.evil.test/SimpleNotificationService-abc.pem", .hostNotSNS),
        ("https://sns.eu-west-1.amazonaws.com.cn.evil.test/SimpleNotificationService-abc.pem", .hostNotSNS),
        ("https://evilsns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem", .hostNotSNS),
        ("https://sns.eu.west.amazonaws.com/SimpleNotificationService-abc.pem", .hostNotSNS),
        ("https://sns..amazonaws.com/SimpleNotificationService-abc.pem", .hostNotSNS),
        ("https://SNS.EU-WEST-1.AMAZONAWS.COM/SimpleNotificationService-abc.pem", .hostNotSNS),
        ("https://sns.eu-west-1.amazonaws.com./SimpleNotificationService-abc.pem", .hostNotSNS),
        ("https://sns.eu_west-1.amazonaws.com/SimpleNotificationService-abc.pem", .hostNotSNS),
        ("https://sns.eu-west-1.amazonaws.com%2eevil.test/SimpleNotificationService-abc.pem", .hostNotSNS),
        ("https://[::1]/SimpleNotificationService-abc.pem", .hostNotSNS),
        ("http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem", .notHTTPS),
        ("file:///etc/SimpleNotificationService-abc.pem", .notHTTPS),
        ("https://sns.eu-west-1.amazonaws.com/cert.pem", .pathNotCertificate),
        ("https://sns.eu-west-1.amazonaws.com/certs/SimpleNotificationService-abc.pem", .pathNotCertificate),
        ("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-.pem", .pathNotCertificate),
        ("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-a%2Fb.pem", .pathNotCertificate),
        ("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem.exe", .pathNotCertificate),
        ("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-../abc.pem", .pathNotCertificate),
        ("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem?x=1", .hasQuery),
        ("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem#x", .hasFragment),
        ("https://user@sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem", .hasUserInfo),
        ("https://sns.eu-west-1.amazonaws.com@evil.test/SimpleNotificationService-abc.pem", .hasUserInfo),
        ("https://sns.eu-west-1.amazonaws.com:8443/SimpleNotificationService-abc.pem", .portNotAllowed),
        ("https://sns.eu-west-1.amazonaws.com\\@evil.test/SimpleNotificationService-abc.pem", .notAURL),
        ("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem ", .notAURL),
        ("https://snş.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem", .notAURL),
        ("", .notAURL),
    ])
    func refusedCertificateURL(text: String, problem: SNSURLProblem) {
        #expect(throws: problem) { try SNSURLPolicy.signingCertificateURL(text) }
    }

    @Test("the host rule is ^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$, exactly")
    func hostRule() {
        for host in ["sns.eu-west-2.amazonaws.com", "sns.us-east-1.amazonaws.com", "sns.cn-northwest-1.amazonaws.com.cn", "sns.x.amazonaws.com"] {
            #expect(SNSURLPolicy.isSNSHost(host), "\(host)")
        }
        for host in ["sns.x.amazonaws.com.evil.test", "sns.amazonaws.com", "sqs.eu-west-2.amazonaws.com", "sns.eu-west-2.amazonaws.cn",
                     "sns.eu-west-2.amazonaws.com.c", "a.sns.eu-west-2.amazonaws.com", "sns.Eu-west-2.amazonaws.com", "sns.eu-west-2.amazonaws.com.cn.cn", ""] {
            #expect(!SNSURLPolicy.isSNSHost(host), "\(host)")
        }
    }

    @Test("a SubscribeURL must be https on the same hosts; its query is kept")
    func subscribeURL() throws {
        let url = "https://sns.eu-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-2:123456789012:ses-callbacks&Token=2604aa9a"
        #expect(try SNSURLPolicy.subscribeURL(url).absoluteString == url)
        #expect(throws: SNSURLProblem.hostNotSNS) { try SNSURLPolicy.subscribeURL("https://sns.x.amazonaws.com.evil.test/?Action=ConfirmSubscription") }
        #expect(throws: SNSURLProblem.hostNotSNS) { try SNSURLPolicy.subscribeURL("https://127.0.0.1/?Action=ConfirmSubscription") }
        #expect(throws: SNSURLProblem.notHTTPS) { try SNSURLPolicy.subscribeURL("http://sns.eu-west-2.amazonaws.com/?Action=ConfirmSubscription") }
        #expect(throws: SNSURLProblem.hasUserInfo) { try SNSURLPolicy.subscribeURL("https://a:b@sns.eu-west-2.amazonaws.com/?Action=ConfirmSubscription") }
        #expect(throws: SNSURLProblem.portNotAllowed) { try SNSURLPolicy.subscribeURL("https://sns.eu-west-2.amazonaws.com:444/?Action=ConfirmSubscription") }
    }

    @Test("SNS_TOPIC_ARNS: comma-separated topic ARNs, trimmed; anything else is named")
    func topicList() {
        #expect(SNSTopicList.parse(" arn:aws:sns:eu-west-2:123456789012:ses-callbacks , arn:aws-cn:sns:cn-north-1:123456789012:a_b-c.fifo,")
            == .success(["arn:aws:sns:eu-west-2:123456789012:ses-callbacks", "arn:aws-cn:sns:cn-north-1:123456789012:a_b-c.fifo"]))
        #expect(SNSTopicList.parse("") == .success([]))
        for bad in ["ses-callbacks", "arn:aws:sqs:eu-west-2:123456789012:q", "arn:aws:sns:eu-west-2:1234:t",
                    "arn:aws:sns:eu-west-2:123456789012:t:c9135db0-26c4", "arn:aws:sns::123456789012:t", "arn:aws:sns:eu-west-2:123456789012:a b"] {
            #expect(SNSTopicList.parse("arn:aws:sns:eu-west-2:123456789012:ok," + bad) == .failure(SNSTopicList.InvalidEntry(entry: bad)), "\(bad)")
        }
    }
}
