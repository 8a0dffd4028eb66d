import CallbackCore
import CallbackStore

/// The one way the gateway's HTTP side computes receipt statistics: `GET /admin/stats` and the dashboard's overview
/// both go through it, so that their numbers cannot drift apart.
struct ReceiptStatsSource: Sendable {
    let store: any ReceiptStore
    /// Tells which UTC date is today.
    let clock: any WallClock

    /// The window a `limit_days` query value asks for (`nil`: the default), ending today.
    func window(limitDaysText: String?) throws(StatsWindowError) -> StatsWindow {
        try StatsWindow(today: CivilDate(utcOf: clock.now()), limitDaysText: limitDaysText)
    }

    /// Every day, provider and outcome of `window`, zeros included.
    func stats(in window: StatsWindow) async throws(DatabaseError) -> ReceiptStats {
        ReceiptStats(window: window, counts: try await store.receiptCounts(in: window))
    }
}
