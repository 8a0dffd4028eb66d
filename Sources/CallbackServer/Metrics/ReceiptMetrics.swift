import CallbackCore
import CallbackStore

/// The receipt counters: in StatsD `callback.<provider>.…`, one per receipt outcome, named as the system this gateway
/// replaces named them, so that existing dashboards keep working; in Prometheus
/// `callback_receipts_total{provider, outcome, status}`, counted at the same moments so the two always agree.
struct ReceiptMetrics: Sendable {
    let metrics: GatewayMetrics

    /// A receipt was stored: `callback.<provider>.<status written>` (with its elapsed time since `sent_at`), or the
    /// outcome's own counter.
    func recorded(_ provider: Provider, _ recorded: RecordedReceipt) {
        let base = "callback.\(provider.rawValue)"
        switch recorded.outcome {
        case .applied:
            guard let status = recorded.statusWritten else { return }
            metrics.increment("\(base).\(status.rawValue)")
            metrics.series.receipt(provider, outcome: recorded.outcome.rawValue, status: status)
            if let elapsed = recorded.millisecondsSinceSent {
                metrics.timing("\(base).\(status.rawValue).elapsed-time", milliseconds: elapsed)
            }
        case .duplicate, .waiting, .orphaned, .unmapped, .complaint, .ignored, .invalid:
            metrics.increment("\(base).\(recorded.outcome.rawValue)")
            metrics.series.receipt(provider, outcome: recorded.outcome.rawValue, status: nil)
        }
    }

    /// A stored receipt was applied again: counted once it stops waiting, by its final outcome (its arrival was
    /// counted as `waiting` already).
    func retried(_ provider: Provider, _ recorded: RecordedReceipt) {
        if recorded.outcome != .waiting { self.recorded(provider, recorded) }
    }

    /// A request could not be read as a receipt.
    func invalid(_ provider: Provider) {
        metrics.increment("callback.\(provider.rawValue).invalid")
        metrics.series.receipt(provider, outcome: "invalid", status: nil)
    }

    /// A request was refused as not coming from the provider (a signature, an SNS message or credentials not
    /// accepted, a replayed token): `callback.<provider>.rejected`.
    func rejected(_ provider: Provider) {
        metrics.increment("callback.\(provider.rawValue).rejected")
        metrics.series.receipt(provider, outcome: "rejected", status: nil)
    }
}
