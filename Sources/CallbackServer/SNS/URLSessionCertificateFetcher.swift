import Foundation

/// Fetches signing certificates from Amazon SNS with a GET that never follows a redirect.
public struct URLSessionCertificateFetcher: SNSCertificateFetcher {
    private let opener: any SNSURLOpener

    /// A fetcher whose GETs end within `timeout`; a certificate is a few kilobytes, so 64 KiB bounds the answer.
    public init(timeout: Duration) {
        opener = URLSessionOpener(timeout: timeout, maximumBytes: 64 * 1024)
    }

    /// The body of a 200 answer; any other status, a redirect included, is an error.
    public func certificate(at url: URL) async throws(SNSCertificateFetchError) -> [UInt8] {
        let answer: SNSHTTPAnswer
        do {
            answer = try await opener.get(url)
        } catch {
            throw .http(error)
        }
        guard answer.status == 200 else { throw .status(answer.status) }
        return answer.body
    }
}
