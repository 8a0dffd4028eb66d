import ArgumentParser
import CallbackServer
import CallbackStore
import Foundation

/// `callback-gateway unmapped`: every distinct status the mapping did not know, with how often and when it was seen.
struct UnmappedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmapped",
        abstract: "List each unmapped (provider, raw status, code) with its count, first and last seen."
    )

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print JSON (the shape of GET /admin/unmapped) instead of a table.")
    var json = false

    func run() async throws {
        let statuses = try await Database.withWorkers(database) { workers in
            try await PostgresReceiptStore(workers: workers).unmappedStatuses(limit: 1000)
        }
        if json {
            print(String(decoding: try UnmappedStatusReport.json(statuses), as: UTF8.self))
            return
        }
        guard !statuses.isEmpty else {
            print("no unmapped statuses")
            return
        }
        var table = TextTable(columns: ["provider", "raw status", "code", "count", "first seen", "last seen"])
        for status in statuses {
            table.add([
                status.provider.rawValue, status.rawStatus, status.detailCode ?? "", String(status.count),
                status.firstSeen.formatted(.iso8601), status.lastSeen.formatted(.iso8601),
            ])
        }
        print(table.render(), terminator: "")
        print("re-drive them once the mapping knows them: callback-gateway replay --from-db unmapped [--provider P]")
    }
}
