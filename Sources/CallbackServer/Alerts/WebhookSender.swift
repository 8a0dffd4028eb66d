import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Posts an alert to a Slack-compatible incoming webhook: `{"text": "..."}` as `application/json`.
///
/// Each send has its own ephemeral `URLSession`, invalidated afterwards: alerts are rare (at most one per status
/// per cooldown), so reusing connections gains nothing, while a session per send leaves nothing behind (no
/// cookies, no cache, no idle connection) and lets an abandoned request be torn down with its session.
///
/// A send is bounded twice: by `URLSession`'s timeouts, which make it give up and close the connection, and by a
/// timer of its own, because those are whole seconds on Linux and only measure idle time (a server that trickles
/// bytes resets them), while a send must end on time.
/// Redirects are followed as `URLSession` does; only the final status counts, and anything outside 200–299 is an
/// error. Errors are ``AlertDeliveryError``s, whose descriptions never contain the URL.
public struct WebhookSender: AlertSender {
    private let url: URL
    private let timeout: Duration

    /// Creates a sender for one webhook; `timeout` bounds each POST.
    public init(url: URL, timeout: Duration) {
        self.url = url
        self.timeout = timeout
    }

    /// POSTs `text`; throws an ``AlertDeliveryError`` when the webhook did not accept it in time, or
    /// `CancellationError` at once when the task is cancelled.
    public func send(text: String) async throws {
        let request = try makeRequest(text: text)
        let timeout = timeout
        let status = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await Self.perform(request, timeout: timeout) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw AlertDeliveryError.timedOut(timeout)
            }
            defer { group.cancelAll() }
            guard let status = try await group.next() else { throw CancellationError() }
            return status
        }
        guard (200..<300).contains(status) else { throw AlertDeliveryError.status(status) }
    }

    private func makeRequest(text: String) throws -> URLRequest {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: Self.seconds(timeout))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("callback-gateway", forHTTPHeaderField: "User-Agent")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        request.httpBody = try encoder.encode(WebhookMessage(text: text))
        return request
    }

    /// Runs the request and returns the HTTP status, resuming as soon as the task is cancelled rather than when
    /// `URLSession` has finished winding the request down.
    private static func perform(_ request: URLRequest, timeout: Duration) async throws -> Int {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds(timeout)
        configuration.timeoutIntervalForResource = seconds(timeout)
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.invalidateAndCancel() }

        let outcome = ResumeOnce<Int>()
        let task = session.dataTask(with: request) { _, response, error in
            if let error {
                outcome.resume(with: .failure(deliveryError(error, timeout: timeout)))
            } else if let response = response as? HTTPURLResponse {
                outcome.resume(with: .success(response.statusCode))
            } else {
                outcome.resume(with: .failure(AlertDeliveryError.notHTTP))
            }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.install(continuation)
                task.resume()
            }
        } onCancel: {
            outcome.resume(with: .failure(CancellationError()))
            task.cancel()
        }
    }

    /// `URLSession`'s error as an ``AlertDeliveryError``, keeping only the code (its description holds the URL).
    private static func deliveryError(_ error: any Error, timeout: Duration) -> AlertDeliveryError {
        let code = (error as NSError).code
        return code == NSURLErrorTimedOut ? .timedOut(timeout) : .transport(code: code)
    }

    /// The timeout for `URLSession`, in whole seconds rounded up, at least 1: swift-corelibs-foundation truncates
    /// its timeouts to whole seconds (`Int(timeoutInterval) * 1000` ms), so 0.3 s would become 0 and fail every
    /// request at once. The exact bound is kept by the timer in ``send(text:)``.
    private static func seconds(_ duration: Duration) -> TimeInterval {
        let parts = duration.components
        return max((TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18).rounded(.up), 1)
    }
}
