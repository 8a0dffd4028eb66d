import Foundation

/// The stretch of time one run of a periodic job covers: the hour for an hourly job, the UTC day for a daily one.
///
/// Periods are aligned to the Unix epoch, so every replica computes the same period for the same moment and a job
/// done for a period is recognisably done for all of them.
public struct JobPeriod: Sendable, Hashable, CustomStringConvertible {
    /// The first second of the period, in seconds since the epoch.
    public let startSeconds: Int64
    /// The length of the period in seconds.
    public let lengthSeconds: Int64

    /// The period of length `length` that contains `now`.
    public init(containing now: Date, length: Duration) {
        let lengthSeconds = max(length.components.seconds, 1)
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        // Floor division, so that the instants before the epoch fall in the period before it, too.
        let index = seconds >= 0 ? seconds / lengthSeconds : -((-seconds + lengthSeconds - 1) / lengthSeconds)
        self.startSeconds = index * lengthSeconds
        self.lengthSeconds = lengthSeconds
    }

    /// The first instant of the period.
    public var start: Date { Date(timeIntervalSince1970: Double(startSeconds)) }

    /// The period's start as an ISO 8601 UTC time.
    public var description: String { start.formatted(.iso8601) }
}
