import CallbackCore
@testable import CallbackServer
import Foundation
import Testing

@Suite("SNS certificate URLs kept once checked")
struct CertificateURLMemoTests {
    static let allowed = [
        "https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem",
        "https://sns.us-gov-west-1.amazonaws.com:443/SimpleNotificationService-ABC123.pem",
        "HTTPS://sns.eu-west-1.amazonaws.com/SimpleNotificationService-a.pem",
    ]
    static let refused = [
        "https://sns.x.amazonaws.com.evil.test/SimpleNotificationService-abc.pem",
        "http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem?x=1",
    ]

    @Test("asked twice, the memo answers as the policy does, and keeps only what passed")
    func sameAnswers() throws {
        let memo = CertificateURLMemo()
        for _ in 0..<2 {
            for text in Self.allowed {
                #expect(try memo.signingCertificateURL(text) == SNSURLPolicy.signingCertificateURL(text))
            }
            for text in Self.refused {
                let expected = #expect(throws: SNSURLProblem.self) { try SNSURLPolicy.signingCertificateURL(text) }
                let answered = #expect(throws: SNSURLProblem.self) { try memo.signingCertificateURL(text) }
                #expect(answered == expected && answered != nil, "\(text)")
            }
        }
        #expect(memo.count == Self.allowed.count)
    }

    @Test("ever new URLs do not grow it past its capacity")
    func bounded() throws {
        let memo = CertificateURLMemo(capacity: 4)
        for id in 0..<50 {
            let url = try memo.signingCertificateURL("https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-\(id).pem")
            #expect(url.absoluteString.hasSuffix("-\(id).pem"))
            #expect(memo.count <= 4)
        }
    }
}
