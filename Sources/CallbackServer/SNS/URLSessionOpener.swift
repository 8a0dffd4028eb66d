import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// GETs with `URLSession`: never following a redirect, bounded in time and in body size.
///
/// Redirects are refused because every URL is checked before it is opened (``SNSURLPolicy``), and a redirect
/// would lead somewhere the check never saw. Each GET has its own ephemeral session, invalidated afterwards:
/// certificates are fetched once and confirmations are rare, so there is nothing to reuse, and nothing is left
/// behind (no cookies, no cache). The time bound is kept by a timer of its own as well as by `URLSession`'s
/// timeouts, which are whole seconds on Linux and only measure idle time.
public struct URLSessionOpener: SNSURLOpener {
    private let timeout: Duration
    private let maximumBytes: Int

    /// An opener whose GETs end within `timeout` and read at most `maximumBytes` of body.
    public init(timeout: Duration, maximumBytes: Int = 64 * 1024) {
        self.timeout = timeout
        self.maximumBytes = maximumBytes
    }

    /// GETs `url` and returns the answer, a 3xx included; throws when no answer came in time.
    public func get(_ url: URL) async throws(SNSHTTPError) -> SNSHTTPAnswer {
        let timeout = timeout
        let maximumBytes = maximumBytes
        do {
            return try await withThrowingTaskGroup(of: SNSHTTPAnswer.self) { group in
                group.addTask { try await Self.perform(url, timeout: timeout, maximumBytes: maximumBytes) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw SNSHTTPError.timedOut
                }
                defer { group.cancelAll() }
                guard let answer = try await group.next() else { throw SNSHTTPError.timedOut }
                return answer
            }
        } catch let error as SNSHTTPError {
            throw error
        } catch {
            // Cancelled: the request that wanted the answer is gone.
            throw .timedOut
        }
    }

    private static func perform(_ url: URL, timeout: Duration, maximumBytes: Int) async throws -> SNSHTTPAnswer {
        let seconds = max((Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18).rounded(.up), 1)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        let delegate = NoRedirectDelegate(maximumBytes: maximumBytes)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.invalidateAndCancel() }

        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: seconds)
        request.httpMethod = "GET"
        request.setValue("callback-gateway", forHTTPHeaderField: "User-Agent")
        let task = session.dataTask(with: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.outcome.install(continuation)
                task.resume()
            }
        } onCancel: {
            delegate.outcome.resume(with: .failure(CancellationError()))
            task.cancel()
        }
    }
}
