import CallbackCore

/// Claimed `callback_receipts` rows, read into ``StoredReceipt`` values in arrival order, so that two receipts for
/// one notification apply in the order they came. Rows that cannot be read (an unknown provider) are kept apart by
/// id, to be orphaned rather than claimed on every poll.
struct StoredReceiptRows {
    let receipts: [StoredReceipt]
    let unreadableIDs: [Int64]
    /// How many rows were claimed.
    let count: Int
    /// The highest id among them.
    let lastID: Int64?

    init(_ result: QueryResult) {
        var receipts: [StoredReceipt] = []
        var unreadable: [Int64] = []
        var lastID: Int64?
        for row in 0..<result.rows.count {
            guard let id = result.value("id", row: row).flatMap({ Int64($0) }) else { continue }
            lastID = max(lastID ?? id, id)
            guard let provider = result.value("provider", row: row).flatMap(Provider.init(rawValue:)),
                  let body = result.value("raw_body", row: row)
            else {
                unreadable.append(id)
                continue
            }
            receipts.append(StoredReceipt(
                id: id,
                provider: provider,
                rawBody: body,
                contentType: result.value("content_type", row: row),
                attempts: result.value("attempts", row: row).flatMap { Int($0) } ?? 1,
                ageSeconds: result.value("age", row: row).flatMap { Double($0) } ?? 0
            ))
        }
        self.receipts = receipts.sorted { $0.id < $1.id }
        self.unreadableIDs = unreadable
        self.count = result.rows.count
        self.lastID = lastID
    }
}
