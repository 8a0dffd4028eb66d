import Foundation

/// The alerter's in-memory table: occurrences per key, and the cooldown of each key. Not thread-safe on its own;
/// ``UnmappedAlerter`` keeps it under a lock.
///
/// Memory is bounded, because the statuses come from requests and an attacker can send any number of distinct
/// ones: at most `maximumKeys` keys are tracked one by one; while the table is full, an occurrence with a new key
/// is counted under its provider's "other statuses" key instead (one per provider and kind, so at most six more),
/// which keeps a few examples. A key is dropped again once it is idle (nothing to report, no send under way, and
/// its cooldown over), since a fresh key would behave exactly the same; so the limit is on the distinct statuses
/// seen within one cooldown, not over the life of the process.
struct AlertLedger: Sendable {
    /// The default for `maximumKeys`: far more distinct unknown statuses than a real provider sends, and a few
    /// hundred kilobytes at most.
    static let defaultMaximumKeys = 1000

    private let cooldown: Duration
    private let maximumKeys: Int
    private var tallies: [AlertKey: AlertTally] = [:]
    /// How many keys other than "other statuses" keys are in `tallies`.
    private var individualKeys = 0

    init(cooldown: Duration, maximumKeys: Int = defaultMaximumKeys) {
        self.cooldown = cooldown
        self.maximumKeys = max(maximumKeys, 0)
    }

    /// Counts one occurrence. Constant time, no I/O: this runs on the request path.
    mutating func record(_ key: AlertKey, detailCode: String?, at now: Date) {
        if tallies[key]?.add(count: 1, firstSeen: now, detailCode: detailCode, examples: []) != nil { return }
        if individualKeys < maximumKeys {
            individualKeys += 1
            tallies[key, default: AlertTally()].add(count: 1, firstSeen: now, detailCode: detailCode, examples: [])
            return
        }
        let other = AlertKey.otherStatuses(kind: key.kind, provider: key.provider)
        let example = [key.rawStatus, key.detailCode].compactMap { $0 }.joined(separator: " code ")
        tallies[other, default: AlertTally()].add(count: 1, firstSeen: now, detailCode: nil, examples: [example])
    }

    /// Takes every alert that is due at `now`, oldest first: keys with occurrences whose cooldown is over (or that
    /// were never alerted) and no send under way. Each key's cooldown restarts now, whether or not its send
    /// succeeds, so a failing webhook is retried once per cooldown rather than on every tick.
    mutating func takeDue(at now: ContinuousClock.Instant) -> [DueAlert] {
        var due: [DueAlert] = []
        for (key, tally) in tallies where tally.count > 0 && !tally.isSending && (tally.nextDue.map { $0 <= now } ?? true) {
            due.append(DueAlert(
                key: key, count: tally.count, firstSeen: tally.firstSeen ?? Date(),
                detailCode: tally.detailCode, examples: tally.examples
            ))
            var taken = AlertTally()
            taken.isSending = true
            taken.nextDue = now.advanced(by: cooldown)
            tallies[key] = taken
        }
        return due.sorted { $0.firstSeen < $1.firstSeen }
    }

    /// The alert was delivered: its occurrences are reported and gone.
    mutating func delivered(_ alert: DueAlert) {
        tallies[alert.key]?.isSending = false
    }

    /// The alert was not delivered: its occurrences go back to the key, to be reported (with any that arrived
    /// meanwhile) when the cooldown that started when it was taken is over.
    mutating func failed(_ alert: DueAlert) {
        // The key is always there (idle keys are pruned, sending ones are not); counting it again is a safeguard.
        var tally = tallies[alert.key] ?? AlertTally()
        if tallies[alert.key] == nil, !alert.key.isOtherStatuses { individualKeys += 1 }
        tally.isSending = false
        let newerCode = tally.detailCode
        tally.add(count: alert.count, firstSeen: alert.firstSeen, detailCode: alert.detailCode, examples: alert.examples)
        if let newerCode { tally.detailCode = newerCode }
        tallies[alert.key] = tally
    }

    /// Drops idle keys, freeing their places for new statuses.
    mutating func prune(at now: ContinuousClock.Instant) {
        for (key, tally) in tallies where tally.isIdle(at: now) {
            tallies[key] = nil
            if !key.isOtherStatuses { individualKeys -= 1 }
        }
    }

    /// How many keys are tracked, "other statuses" keys included.
    var keyCount: Int { tallies.count }
}
