import CallbackCore
import Foundation

/// The answers of a replay, counted by provider and outcome, as a table or as JSON.
struct ReplaySummary: Sendable {
    let target: String
    let results: [ReplayResult]

    struct Row: Encodable, Hashable, Comparable {
        var provider: String
        var outcome: String
        /// The status written for `applied`, the HTTP status for `rejected`.
        var detail: String
        var count: Int

        static func < (lhs: Row, rhs: Row) -> Bool {
            (lhs.provider, lhs.outcome, lhs.detail) < (rhs.provider, rhs.outcome, rhs.detail)
        }
    }

    var rows: [Row] {
        var counts: [[String]: Int] = [:]
        for result in results {
            counts[[result.provider.rawValue, result.bucket.outcome, result.bucket.detail], default: 0] += 1
        }
        return counts.map { Row(provider: $0.key[0], outcome: $0.key[1], detail: $0.key[2], count: $0.value) }.sorted()
    }

    var unexpectedRejections: [ReplayResult] { results.filter(\.isUnexpectedRejection) }
    var expectationMismatches: [ReplayResult] { results.filter { $0.matchesExpectation == false } }

    func table() -> String {
        var table = TextTable(columns: ["provider", "outcome", "status", "count"], numeric: [3])
        for row in rows { table.add([row.provider, row.outcome, row.detail, String(row.count)]) }
        table.add(["total", "", "", String(results.count)])
        var text = table.render()
        if !expectationMismatches.isEmpty {
            text += "\n\(expectationMismatches.count) answer(s) differ from the fixture's expect: line:\n"
            text += expectationMismatches.map { "  " + $0.line + "\n" }.joined()
        }
        if !unexpectedRejections.isEmpty {
            text += "\n\(unexpectedRejections.count) receipt(s) rejected without an expect: line saying so:\n"
            text += unexpectedRejections.map { "  " + $0.line + "\n" }.joined()
        }
        return text
    }

    func json() throws -> Data {
        struct Receipt: Encodable {
            var file: String
            var provider: String
            var httpStatus: Int
            var outcome: String?
            var status: String?
            var asExpected: Bool?

            enum CodingKeys: String, CodingKey {
                case file, provider, outcome, status
                case httpStatus = "http_status"
                case asExpected = "as_expected"
            }
        }
        struct Document: Encodable {
            var target: String
            var total: Int
            var summary: [Row]
            var unexpectedRejections: Int
            var expectationMismatches: Int
            var receipts: [Receipt]

            enum CodingKeys: String, CodingKey {
                case target, total, summary, receipts
                case unexpectedRejections = "unexpected_rejections"
                case expectationMismatches = "expectation_mismatches"
            }
        }
        let document = Document(
            target: target, total: results.count, summary: rows,
            unexpectedRejections: unexpectedRejections.count, expectationMismatches: expectationMismatches.count,
            receipts: results.map {
                Receipt(file: $0.path, provider: $0.provider.rawValue, httpStatus: $0.httpStatus, outcome: $0.outcome,
                        status: $0.status, asExpected: $0.matchesExpectation)
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return try encoder.encode(document)
    }
}
