import CallbackCore

/// Reads `ALERT_COOLDOWN`.
public enum AlertCooldown {
    /// The longest cooldown accepted: a week. Anything longer is almost certainly a typo (seconds taken for
    /// minutes), and would make the alerter look broken.
    static let maximum = Duration.seconds(7 * 24 * 3600)

    /// Parses a cooldown: a whole number of seconds (`"900"`), or whole numbers with units `h`, `m` and `s` in that
    /// order, each at most once (`"90s"`, `"15m"`, `"1h"`, `"1h30m"`, `"2m30s"`). Surrounding spaces are ignored
    /// and units may be upper case.
    ///
    /// - Returns: the duration, or `nil` for anything else: empty text, zero (which would alert on every
    ///   occurrence), a sign, a fraction, an unknown or repeated unit, units out of order, or more than a week.
    public static func parse(_ text: String) -> Duration? {
        DurationText.seconds(text, units: DurationText.hoursMinutesSeconds, in: 1...maximum.components.seconds)
            .map { Duration.seconds($0) }
    }
}
