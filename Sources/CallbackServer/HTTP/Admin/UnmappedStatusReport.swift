import CallbackStore
import Foundation

/// The unmapped statuses as `GET /admin/unmapped` and `callback-gateway unmapped --json` give them:
/// `{"unmapped":[{"provider":"mmg","raw_status":"99","detail_code":null,"count":3,"first_seen":"…","last_seen":"…"}]}`.
public enum UnmappedStatusReport {
    private struct Row: Encodable {
        var provider: String
        var rawStatus: String
        var detailCode: String?
        var count: Int
        var firstSeen: Date
        var lastSeen: Date

        enum CodingKeys: String, CodingKey {
            case provider, count
            case rawStatus = "raw_status"
            case detailCode = "detail_code"
            case firstSeen = "first_seen"
            case lastSeen = "last_seen"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(provider, forKey: .provider)
            try container.encode(rawStatus, forKey: .rawStatus)
            try container.encode(detailCode, forKey: .detailCode)
            try container.encode(count, forKey: .count)
            try container.encode(firstSeen, forKey: .firstSeen)
            try container.encode(lastSeen, forKey: .lastSeen)
        }
    }

    /// The report as JSON.
    public static func json(_ statuses: [UnmappedStatus]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let rows = statuses.map {
            Row(provider: $0.provider.rawValue, rawStatus: $0.rawStatus, detailCode: $0.detailCode, count: $0.count,
                firstSeen: $0.firstSeen, lastSeen: $0.lastSeen)
        }
        return try encoder.encode(["unmapped": rows])
    }
}
