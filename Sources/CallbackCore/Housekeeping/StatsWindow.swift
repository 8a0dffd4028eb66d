import Foundation

/// The days the receipt statistics cover: today and the `limitDays` UTC dates before it.
///
/// "The last 7 days plus today" is eight dates; on a Monday the first of them is the previous Monday. Working in
/// dates rather than instants keeps that true at any time of day.
public struct StatsWindow: Sendable, Hashable {
    /// The `limit_days` values accepted.
    public static let allowedLimitDays = 0...31
    /// The `limit_days` used when none is given.
    public static let defaultLimitDays = 7

    /// How many days before today are included.
    public let limitDays: Int
    /// The first date counted.
    public let from: CivilDate
    /// The last date counted: today.
    public let to: CivilDate

    /// The window ending `today`.
    ///
    /// - Throws: ``StatsWindowError/outOfRange`` when `limitDays` is outside ``allowedLimitDays``.
    public init(today: CivilDate, limitDays: Int) throws(StatsWindowError) {
        guard Self.allowedLimitDays.contains(limitDays) else { throw .outOfRange }
        self.limitDays = limitDays
        self.from = today.adding(days: -limitDays)
        self.to = today
    }

    /// The window for a `limit_days` value as given in a query string or on the command line; `nil` for the
    /// default.
    public init(today: CivilDate, limitDaysText: String?) throws(StatsWindowError) {
        guard let text = limitDaysText else {
            try self.init(today: today, limitDays: Self.defaultLimitDays)
            return
        }
        // Digits only: no sign, no spaces, no leading "+", and short enough never to overflow.
        guard !text.isEmpty, text.count <= 3, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
            throw .outOfRange
        }
        try self.init(today: today, limitDays: value)
    }

    /// Every date in the window, oldest first.
    public var days: [CivilDate] {
        (from.daysSinceEpoch...to.daysSinceEpoch).map(CivilDate.init(daysSinceEpoch:))
    }

    /// 00:00:00 UTC on the first date: the first instant counted.
    public var start: Date { from.start }

    /// 00:00:00 UTC on the day after today: the first instant not counted.
    public var end: Date { to.adding(days: 1).start }
}
