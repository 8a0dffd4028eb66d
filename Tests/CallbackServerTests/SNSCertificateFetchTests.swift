import CallbackCore
import CallbackServer
import FixtureSigning
import Foundation
import Testing
import TestSupport

/// The certificate sources on their own: the `URLSession` fetcher against a real local HTTP server (given a URL
/// directly, since the URL policy is applied before it), the folder, and the cache in front of them.
@Suite("SNS certificate fetching")
struct SNSCertificateFetchTests {
    @Test("the URLSession fetcher returns the body of a 200")
    func fetches() async throws {
        let identity = try SigningIdentity.generate()
        try await WebhookReceiver.withReceiver { server in
            server.answer(.respond(status: 200, headers: [:], body: identity.certificatePEM))
            let pem = try await URLSessionCertificateFetcher(timeout: .seconds(5))
                .certificate(at: server.url(path: "/SimpleNotificationService-local.pem"))
            #expect(String(decoding: pem, as: UTF8.self) == identity.certificatePEM)
            #expect(server.requests.map(\.method) == ["GET"])
        }
    }

    @Test("a redirect is refused, not followed: the fetch fails with the 3xx and the target is never asked", arguments: [301, 302, 307, 308])
    func redirectRefused(status: Int) async throws {
        try await WebhookReceiver.withReceiver { server in
            server.answer(.respond(status: status, headers: ["Location": server.url(path: "/SimpleNotificationService-moved.pem").absoluteString], body: ""))
            await #expect(throws: SNSCertificateFetchError.status(status)) {
                try await URLSessionCertificateFetcher(timeout: .seconds(5)).certificate(at: server.url(path: "/SimpleNotificationService-a.pem"))
            }
            let requests = await server.requests(after: .milliseconds(200))
            #expect(requests.map(\.target) == ["/SimpleNotificationService-a.pem"])
        }
    }

    @Test("any other status is an error")
    func errorStatus() async throws {
        try await WebhookReceiver.withReceiver { server in
            server.answer(.status(404))
            await #expect(throws: SNSCertificateFetchError.status(404)) {
                try await URLSessionCertificateFetcher(timeout: .seconds(5)).certificate(at: server.url(path: "/SimpleNotificationService-a.pem"))
            }
        }
    }

    @Test("a server that does not answer is given up on at the timeout")
    func timesOut() async throws {
        try await WebhookReceiver.withReceiver { server in
            server.answer(.stall)
            let started = ContinuousClock.now
            await #expect(throws: SNSCertificateFetchError.http(.timedOut)) {
                try await URLSessionCertificateFetcher(timeout: .milliseconds(500)).certificate(at: server.url(path: "/SimpleNotificationService-a.pem"))
            }
            // Half a second, with room for a machine busy starting every other test (23 s was seen with a benchmark
            // loading the same two cores); a fetch that waited for the server would never end.
            #expect(ContinuousClock.now - started < .seconds(60))
        }
    }

    @Test("an answer larger than a certificate can be is not read to the end")
    func tooLarge() async throws {
        try await WebhookReceiver.withReceiver { server in
            server.answer(.respond(status: 200, headers: [:], body: String(repeating: "A", count: 200_000)))
            await #expect(throws: SNSCertificateFetchError.http(.tooLarge)) {
                try await URLSessionCertificateFetcher(timeout: .seconds(5)).certificate(at: server.url(path: "/SimpleNotificationService-a.pem"))
            }
        }
    }

    @Test("the folder serves a file by the URL's last path component, and never a missing one")
    func folder() async throws {
        let folder = CertificateFolder(path: SNSFixtures.certificateDirectory)
        let pem = try await folder.certificate(at: try #require(URL(string: SNSFixtures.certificateURL)))
        #expect(String(decoding: pem, as: UTF8.self).contains("BEGIN CERTIFICATE"))
        await #expect(throws: SNSCertificateFetchError.notInFolder("SimpleNotificationService-absent.pem")) {
            try await folder.certificate(at: try #require(URL(string: "https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-absent.pem")))
        }
        #expect(folder.certificateNames() == ["SimpleNotificationService-fixture.pem"])
    }

    @Test("concurrent first requests for one URL share a single fetch; later ones use the cache")
    func cacheSharesFetch() async throws {
        let identity = try SigningIdentity.generate()
        let fetcher = CountingCertificateFetcher(pem: identity.certificatePEM, delay: .milliseconds(300))
        let cache = SNSCertificateCache(fetcher: fetcher)
        let url = try #require(URL(string: "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-shared.pem"))
        let other = try #require(URL(string: "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-other.pem"))
        let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<50 { group.addTask { try await cache.certificate(at: url) } }
            return try await group.reduce(into: [[UInt8]]()) { $0.append($1) }
        }
        #expect(results.count == 50)
        #expect(Set(results).count == 1)
        #expect(fetcher.count == 1)
        _ = try await cache.certificate(at: url)
        _ = try await cache.certificate(at: other)
        #expect(fetcher.count == 2)
        #expect(fetcher.urls == [url, other])
    }

    @Test("what is not a certificate is not kept")
    func notACertificate() async throws {
        let cache = SNSCertificateCache(fetcher: CountingCertificateFetcher(pem: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"))
        let url = try #require(URL(string: "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-bad.pem"))
        await #expect(throws: SNSCertificateFetchError.notACertificate) { try await cache.certificate(at: url) }
    }
}
