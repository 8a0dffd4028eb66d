import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `URLSession` delegate of one GET: refuses every redirection, so a 3xx is the answer rather than a hop to
/// wherever it points (which the URL checks never saw); collects the body up to a limit; reports the outcome once.
final class NoRedirectDelegate: NSObject, URLSessionDataDelegate, Sendable {
    /// Where the outcome goes, once.
    let outcome = ResumeOnce<SNSHTTPAnswer>()
    private let maximumBytes: Int
    private let received = Mutex<(status: Int?, body: [UInt8])>((nil, []))

    init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        guard let response = response as? HTTPURLResponse else {
            outcome.resume(with: .failure(SNSHTTPError.notHTTP))
            completionHandler(.cancel)
            return
        }
        received.withLock { $0.status = response.statusCode }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooLarge = received.withLock { received in
            received.body += data
            return received.body.count > maximumBytes
        }
        if tooLarge {
            outcome.resume(with: .failure(SNSHTTPError.tooLarge))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error {
            let code = (error as NSError).code
            outcome.resume(with: .failure(code == NSURLErrorTimedOut ? SNSHTTPError.timedOut : SNSHTTPError.transport(code: code)))
            return
        }
        let (status, body) = received.withLock { ($0.status, $0.body) }
        guard let status else {
            outcome.resume(with: .failure(SNSHTTPError.notHTTP))
            return
        }
        outcome.resume(with: .success(SNSHTTPAnswer(status: status, body: body)))
    }
}
