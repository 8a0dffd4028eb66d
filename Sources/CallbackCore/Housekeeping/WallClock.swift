import Foundation

/// Tells the time. The housekeeping logic receives one instead of reading the system clock, so that tests can put
/// it on any date and at either side of a boundary.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}
