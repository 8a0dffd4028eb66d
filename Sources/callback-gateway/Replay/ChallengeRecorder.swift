import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Lets a replayed request that the gateway refuses with `401` and `WWW-Authenticate` come back as an answer.
///
/// Foundation's `URLSession` on Linux never completes such a response when it has no credentials to offer: the
/// request hangs past its timeout. So the challenge is recorded (its status, by the request's `X-Replay-Request`
/// id) and cancelled, and the sender reads the recorded status when the task fails as cancelled.
final class ChallengeRecorder: NSObject, URLSessionTaskDelegate, Sendable {
    /// The header that names a replayed request.
    static let header = "X-Replay-Request"

    private let statuses = Mutex<[String: Int]>([:])

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        if let id = task.originalRequest?.value(forHTTPHeaderField: Self.header),
           let status = (challenge.failureResponse as? HTTPURLResponse)?.statusCode {
            statuses.withLock { $0[id] = status }
        }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    /// The status of the refused request `id`, if it was refused with a challenge; forgotten once read.
    func takeStatus(of id: String) -> Int? {
        statuses.withLock { $0.removeValue(forKey: id) }
    }
}
