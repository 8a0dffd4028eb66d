import CallbackCore
import Foundation

/// The system's clock, for production; tests pass a clock of their own.
public struct SystemClock: WallClock {
    /// Creates the clock.
    public init() {}

    public func now() -> Date { Date() }
}
