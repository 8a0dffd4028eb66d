import CallbackCore
import Foundation

/// The receipt statistics as `GET /admin/stats` and `callback-gateway stats --json` give them: every day of the
/// window oldest first, every provider and every outcome present, zeros included:
/// `{"limit_days":7,"from":"2026-01-05","to":"2026-01-12","days":[{"date":"2026-01-05","providers":{"firetext":{"applied":3,"complaint":0,...},...}},...],`
/// `"service_callbacks":{"pending":0,"failed":0,"dead":0}}` (the callbacks owed to services now, whatever the window).
public enum ReceiptStatsReport {
    private struct Body: Encodable {
        var limitDays: Int
        var from: String
        var to: String
        var days: [Day]
        var serviceCallbacks: OutboxCounts

        enum CodingKeys: String, CodingKey {
            case from, to, days
            case limitDays = "limit_days"
            case serviceCallbacks = "service_callbacks"
        }
    }

    private struct Day: Encodable {
        var date: String
        var providers: [String: [String: Int]]
    }

    /// The report as JSON.
    public static func json(_ stats: ReceiptStats, serviceCallbacks: OutboxCounts) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let days = stats.days.map { day in
            Day(date: day.date.description, providers: Dictionary(uniqueKeysWithValues: Provider.allCases.map { provider in
                (provider.rawValue, Dictionary(uniqueKeysWithValues: ReceiptOutcome.allCases.map { ($0.rawValue, day.count(provider, $0)) }))
            }))
        }
        return try encoder.encode(Body(
            limitDays: stats.window.limitDays, from: stats.window.from.description, to: stats.window.to.description, days: days,
            serviceCallbacks: serviceCallbacks
        ))
    }
}
