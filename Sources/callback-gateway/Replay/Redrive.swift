import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import Synchronization

/// `replay --from-db`: applies stored receipts again with the mapping now in force, and counts what became of them
/// (counts only, batch by batch, so that a backlog of millions is never held in memory).
struct Redrive {
    let selection: RedriveSelection
    let interpreter: ReceiptInterpreter

    /// How many re-driven receipts ended in each (provider, outcome, status written).
    struct Tally: Sendable {
        var counts: [[String]: Int] = [:]
        var failures = 0
        var total: Int { counts.values.reduce(0, +) }
    }

    func run(on workers: DatabaseWorkers) async throws(DatabaseError) -> Tally {
        let tally = Mutex(Tally())
        _ = try await PostgresReceiptStore(workers: workers).redrive(
            selection, batchSize: 500, schedule: .standard, interpret: interpreter.storedReceiptReader
        ) { batch in
            tally.withLock { tally in
                for item in batch {
                    tally.counts[[item.stored.provider.rawValue, item.result.outcome.rawValue, item.result.statusWritten?.rawValue ?? ""], default: 0] += 1
                    if item.failure != nil { tally.failures += 1 }
                }
            }
        }
        return tally.withLock { $0 }
    }

    func table(_ tally: Tally) -> String {
        guard tally.total > 0 else { return "no \(selection.outcome.rawValue) receipts to re-drive\n" }
        var table = TextTable(columns: ["provider", "was", "now", "status", "count"], numeric: [4])
        for key in tally.counts.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            table.add([key[0], selection.outcome.rawValue, key[1], key[2], String(tally.counts[key] ?? 0)])
        }
        table.add(["total", "", "", "", String(tally.total)])
        var text = table.render()
        if tally.failures > 0 {
            text += "\(tally.failures) receipt(s) could not be applied now and were left as they were; run the command again\n"
        }
        return text
    }

    func json(_ tally: Tally) throws -> Data {
        struct Row: Encodable {
            var provider: String
            var was: String
            var now: String
            var status: String?
            var count: Int
        }
        struct Document: Encodable {
            var redriven: Int
            var failed: Int
            var results: [Row]
        }
        let rows = tally.counts.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }).map { key in
            Row(provider: key[0], was: selection.outcome.rawValue, now: key[1], status: key[2].isEmpty ? nil : key[2], count: tally.counts[key] ?? 0)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(Document(redriven: tally.total, failed: tally.failures, results: rows))
    }
}
