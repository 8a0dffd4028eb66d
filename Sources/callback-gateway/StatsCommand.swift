import ArgumentParser
import CallbackCore
import CallbackServer
import CallbackStore
import Foundation

/// `callback-gateway stats`: receipts per UTC day, provider and outcome, the numbers of `GET /admin/stats`.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print receipts per UTC day, provider and outcome for today and the days before it."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("limit-days"), help: ArgumentHelp("Days before today to include, 0 to 31. Default 7.", valueName: "n"))
    var limitDays: String?

    @Flag(help: "Print JSON (the shape of GET /admin/stats) instead of a table.")
    var json = false

    func run() async throws {
        let window: StatsWindow
        do {
            window = try StatsWindow(today: CivilDate(utcOf: Date()), limitDaysText: limitDays)
        } catch {
            Failure.report("--limit-days is \"\(limitDays ?? "")\": \(error)")
            throw Failure.configuration
        }
        let (counts, callbacks) = try await Database.withWorkers(database) { workers in
            let store = PostgresReceiptStore(workers: workers)
            return (try await store.receiptCounts(in: window), try await store.serviceCallbackCounts())
        }
        let stats = ReceiptStats(window: window, counts: counts)
        if json {
            print(String(decoding: try ReceiptStatsReport.json(stats, serviceCallbacks: callbacks), as: UTF8.self))
            return
        }
        let outcomes = ReceiptOutcome.allCases
        var table = TextTable(
            columns: ["date", "provider"] + outcomes.map(\.rawValue) + ["total"],
            numeric: Set(2...(outcomes.count + 2))
        )
        for day in stats.days {
            for provider in Provider.allCases {
                let values = outcomes.map { day.count(provider, $0) }
                table.add([day.date.description, provider.rawValue] + values.map(String.init) + [String(values.reduce(0, +))])
            }
        }
        print(table.render(), terminator: "")
        print("service callbacks: \(callbacks.pending) pending, \(callbacks.failed) failed, \(callbacks.dead) dead")
    }
}
