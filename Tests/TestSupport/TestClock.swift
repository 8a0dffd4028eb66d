import CallbackCore
import Foundation

/// A clock the test sets: boundary tests must not depend on when they happen to run.
public final class TestClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date

    /// A clock showing `instant` until told otherwise.
    public init(_ instant: Date) {
        self.instant = instant
    }

    /// A clock at a UTC time written as ISO 8601 (`2026-01-12T09:30:00Z`).
    public convenience init(_ iso8601: String) throws {
        guard let instant = ISO8601DateFormatter().date(from: iso8601) else { throw TestSetupError("not an ISO 8601 time: \(iso8601)") }
        self.init(instant)
    }

    public func now() -> Date { lock.withLock { instant } }

    /// Moves the clock on (or back, with a negative amount).
    public func advance(by seconds: TimeInterval) { lock.withLock { instant = instant.addingTimeInterval(seconds) } }
}

/// A UTC instant written as ISO 8601, for test data.
public func utc(_ iso8601: String) -> Date {
    ISO8601DateFormatter().date(from: iso8601) ?? Date(timeIntervalSince1970: .nan)
}
