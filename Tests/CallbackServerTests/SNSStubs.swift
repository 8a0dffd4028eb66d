import CallbackCore
import CallbackServer
import Foundation
import Synchronization

/// Stands in for Amazon SNS answering subscription confirmations: records every URL it is asked for and answers
/// with a status (200 unless told otherwise) or an error.
final class RecordingOpener: SNSURLOpener {
    private let state = Mutex<(urls: [URL], answer: Result<Int, SNSHTTPError>)>(([], .success(200)))

    /// The URLs asked for so far, in order.
    var urls: [URL] { state.withLock { $0.urls } }

    /// Answers from now on with `status`, or fails with `error`.
    func answer(_ result: Result<Int, SNSHTTPError>) {
        state.withLock { $0.answer = result }
    }

    func get(_ url: URL) async throws(SNSHTTPError) -> SNSHTTPAnswer {
        let answer = state.withLock { state in
            state.urls.append(url)
            return state.answer
        }
        return SNSHTTPAnswer(status: try answer.get())
    }
}

/// Serves certificates from memory, whatever (policy-approved) URL they are asked at, counting the fetches; each
/// fetch can be made to take a while, so concurrent first requests overlap.
final class CountingCertificateFetcher: SNSCertificateFetcher {
    private let pem: [UInt8]
    private let delay: Duration
    private let state = Mutex<(count: Int, urls: [URL], failuresLeft: Int)>((0, [], 0))

    init(pem: String, delay: Duration = .zero, failFirst: Int = 0) {
        self.pem = Array(pem.utf8)
        self.delay = delay
        state.withLock { $0.failuresLeft = failFirst }
    }

    /// Fetches so far.
    var count: Int { state.withLock { $0.count } }
    /// The URLs fetched, in order.
    var urls: [URL] { state.withLock { $0.urls } }

    func certificate(at url: URL) async throws(SNSCertificateFetchError) -> [UInt8] {
        let fail = state.withLock { state in
            state.count += 1
            state.urls.append(url)
            guard state.failuresLeft > 0 else { return false }
            state.failuresLeft -= 1
            return true
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        if fail { throw .status(503) }
        return pem
    }
}

/// The real `URLSession` opener, pointed at a local server: the SNS URL's path and query are kept and its
/// scheme, host and port replaced, since no local server can be `https://sns.<region>.amazonaws.com`.
struct LocalSNSOpener: SNSURLOpener {
    let port: Int
    let opener = URLSessionOpener(timeout: .seconds(5))

    func get(_ url: URL) async throws(SNSHTTPError) -> SNSHTTPAnswer {
        var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) ?? URLComponents()
        parts.scheme = "http"
        parts.host = "127.0.0.1"
        parts.port = port
        guard let local = parts.url else { throw .notHTTP }
        return try await opener.get(local)
    }
}
