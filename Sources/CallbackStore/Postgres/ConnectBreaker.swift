import Foundation
import Synchronization

/// Remembers, for a moment, that the database could not be reached, so that the work queued behind a failed
/// connect fails at once with the same reason instead of each job waiting out its own connect timeout. After the
/// moment passes, the next job tries again; one success closes it.
final class ConnectBreaker: Sendable {
    /// How long a failed connect answers for everyone.
    static let openFor: Duration = .seconds(1)

    private struct State {
        var error: DatabaseError?
        var until: ContinuousClock.Instant = .now
    }

    private let state = Mutex(State())

    /// The error to fail with while open; `nil` when a connection may be tried.
    func openError() -> DatabaseError? {
        state.withLock { state in
            guard let error = state.error, ContinuousClock.now < state.until else { return nil }
            return error
        }
    }

    func open(after error: DatabaseError) {
        // Only an unreachable server opens it; a bad statement or a shutdown says nothing about the next connect.
        guard case .unavailable = error else { return }
        state.withLock { $0 = State(error: error, until: .now.advanced(by: Self.openFor)) }
    }

    func closeAfterSuccess() {
        state.withLock { $0.error = nil }
    }
}
