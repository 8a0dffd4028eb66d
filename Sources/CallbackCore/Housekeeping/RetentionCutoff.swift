import Foundation

/// Which receipts retention keeps: everything received on the first kept day (UTC) or later.
///
/// Counted in whole calendar days from today, never as a multiple of 24 hours from the moment the job happens to
/// run: with seven days, on 2026-01-10 everything received on 2026-01-03 or later stays, whether the job runs at
/// 00:05 or 23:55.
public struct RetentionCutoff: Sendable, Hashable {
    /// The earliest UTC date whose receipts are kept.
    public let firstKeptDay: CivilDate

    /// The cutoff on `today` when receipts are kept for `days` full days before it.
    public init(today: CivilDate, keepingDays days: Int) {
        firstKeptDay = today.adding(days: -max(days, 0))
    }

    /// Rows received before this instant (00:00:00 UTC on the first kept day) may be deleted.
    public var deleteBefore: Date { firstKeptDay.start }
}
