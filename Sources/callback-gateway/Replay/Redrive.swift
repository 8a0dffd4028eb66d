import CallbackCore
import CallbackServer
import CallbackStore
import Foundation

/// `replay --from-db`: applies stored receipts again with the mapping now in force, and counts what became of them.
struct Redrive {
    let selection: RedriveSelection
    let interpreter: ReceiptInterpreter

    func run(on workers: DatabaseWorkers) async throws(DatabaseError) -> [RetriedReceipt] {
        try await PostgresReceiptStore(workers: workers).redrive(
            selection, batchSize: 500, schedule: .standard, interpret: interpreter.storedReceiptReader
        )
    }

    static func table(_ redriven: [RetriedReceipt], selection: RedriveSelection) -> String {
        guard !redriven.isEmpty else { return "no \(selection.outcome.rawValue) receipts to re-drive\n" }
        var counts: [[String]: Int] = [:]
        for item in redriven {
            counts[[item.stored.provider.rawValue, item.result.outcome.rawValue, item.result.statusWritten?.rawValue ?? ""], default: 0] += 1
        }
        var table = TextTable(columns: ["provider", "was", "now", "status", "count"], numeric: [4])
        for key in counts.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            table.add([key[0], selection.outcome.rawValue, key[1], key[2], String(counts[key] ?? 0)])
        }
        table.add(["total", "", "", "", String(redriven.count)])
        return table.render()
    }

    static func json(_ redriven: [RetriedReceipt], selection: RedriveSelection) throws -> Data {
        struct Item: Encodable {
            var receiptID: Int64
            var provider: String
            var outcome: String
            var status: String?

            enum CodingKeys: String, CodingKey {
                case provider, outcome, status
                case receiptID = "receipt_id"
            }
        }
        let items = redriven.map {
            Item(receiptID: $0.stored.id, provider: $0.stored.provider.rawValue, outcome: $0.result.outcome.rawValue,
                 status: $0.result.statusWritten?.rawValue)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(["redriven": items])
    }
}
