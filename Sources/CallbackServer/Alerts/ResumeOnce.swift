import Synchronization

/// A continuation that may be resumed from several places (a completion handler, a cancellation handler) of which
/// only the first counts, even when it comes before the continuation exists.
///
/// `URLSession` calls a task's completion handler only after the task has wound down, which can take a while when
/// it is cancelled mid-connect; resuming from the cancellation handler as well is what lets
/// ``WebhookSender/send(text:)`` return at once on shutdown.
final class ResumeOnce<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Value, any Error>)
        case finished(Result<Value, any Error>)
        case done
    }

    private let state = Mutex(State.empty)

    init() {}

    /// Hands over the continuation; resumes it at once if a result is already there.
    func install(_ continuation: CheckedContinuation<Value, any Error>) {
        let ready: Result<Value, any Error>? = state.withLock { state in
            switch state {
            case .empty:
                state = .waiting(continuation)
                return nil
            case .finished(let result):
                state = .done
                return result
            case .waiting, .done:
                preconditionFailure("ResumeOnce: continuation installed twice")
            }
        }
        if let ready { continuation.resume(with: ready) }
    }

    /// Delivers a result; every call after the first is ignored.
    func resume(with result: Result<Value, any Error>) {
        let continuation: CheckedContinuation<Value, any Error>? = state.withLock { state in
            switch state {
            case .empty:
                state = .finished(result)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .finished, .done:
                return nil
            }
        }
        continuation?.resume(with: result)
    }
}
