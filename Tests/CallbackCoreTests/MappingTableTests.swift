import CallbackCore
import Foundation
import Testing

@Suite("Mapping table")
struct MappingTableTests {
    @Test("the default file parses, holds rows for every provider, and every row of the documented table")
    func defaultRows() throws {
        let table = try DefaultMappings.table()
        #expect(Set(table.entries.map(\.key.provider)) == Set(Provider.allCases))
        #expect(table.entries.filter { [.firetext, .mmg, .ses].contains($0.key.provider) }.count == 22)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var provider: Provider
        var status: String
        var detail: String?
        var target: MappingTarget
        var testDescription: String { "\(provider.rawValue) \(status) \(detail ?? "-") → \(target.rawValue)" }
    }

    static let designRows: [Row] = [
        Row(provider: .firetext, status: "0", target: .delivered),
        Row(provider: .firetext, status: "1", target: .failure),
        Row(provider: .firetext, status: "2", target: .pending),
    ] + ["000", "102", "103", "104", "302", "900"].map { Row(provider: .firetext, status: "1", detail: $0, target: .temporaryFailure) }
      + ["101", "201", "301", "401"].map { Row(provider: .firetext, status: "1", detail: $0, target: .permanentFailure) }
      + [
        Row(provider: .mmg, status: "2", target: .permanentFailure),
        Row(provider: .mmg, status: "3", target: .delivered),
        Row(provider: .mmg, status: "4", target: .temporaryFailure),
        Row(provider: .mmg, status: "5", target: .permanentFailure),
        Row(provider: .ses, status: "Delivery", target: .delivered),
        Row(provider: .ses, status: "Bounce", detail: "Permanent", target: .permanentFailure),
        Row(provider: .ses, status: "Bounce", detail: "Transient", target: .temporaryFailure),
        Row(provider: .ses, status: "Bounce", detail: "Undetermined", target: .temporaryFailure),
        Row(provider: .ses, status: "Complaint", target: .complaint),
    ]

    @Test("maps every row of the documented default table", arguments: designRows)
    func designRow(row: Row) throws {
        let result = try DefaultMappings.table().map(provider: row.provider, rawStatus: row.status, detailCode: row.detail)
        #expect(result == MappingResult(target: row.target))
    }

    @Test("an unknown Firetext code falls back to the status and is reported")
    func unknownDetail() throws {
        let result = try DefaultMappings.table().map(provider: .firetext, rawStatus: "1", detailCode: "789")
        #expect(result == MappingResult(target: .failure, unknownDetailCode: "789"))
    }

    @Test("a detail is ignored for statuses that list none (MMG substatus, Firetext 0 with a code)")
    func detailIgnored() throws {
        let table = try DefaultMappings.table()
        #expect(table.map(provider: .firetext, rawStatus: "0", detailCode: "000") == MappingResult(target: .delivered))
        #expect(table.map(provider: .mmg, rawStatus: "3", detailCode: "5") == MappingResult(target: .delivered))
    }

    @Test("an unknown status, or a bounce of an unknown type, is unmapped")
    func unknownStatus() throws {
        let table = try DefaultMappings.table()
        #expect(table.map(provider: .mmg, rawStatus: "99", detailCode: nil).target == nil)
        #expect(table.map(provider: .ses, rawStatus: "Bounce", detailCode: "Weird").target == nil)
        #expect(table.map(provider: .ses, rawStatus: "delivery", detailCode: nil).target == nil)
    }

    @Test("the compiled-in default is the file in mappings/, byte for byte")
    func defaultMatchesFile() throws {
        let file = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("mappings/default.mappings")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(DefaultMappings.text + "\n" == text, "run scripts/compile-mappings after editing mappings/default.mappings")
    }
}
