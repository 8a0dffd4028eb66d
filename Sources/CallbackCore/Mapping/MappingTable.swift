/// The table that turns provider statuses into targets. It is data: the default ships in
/// `mappings/default.mappings`, and an operator may replace it with a file of their own.
public struct MappingTable: Sendable, Hashable {
    /// The table's lines, in the order `mappings show` prints them.
    public let entries: [MappingEntry]
    private let targets: [MappingKey: MappingTarget]
    /// Statuses for which the table lists detail codes; only for these is a receipt's detail code consulted.
    private let statusesWithDetails: Set<MappingKey>

    /// Creates a table from its entries.
    ///
    /// - Throws: ``MappingTableError/duplicateKey(_:firstLine:secondLine:)`` when two entries share a key.
    public init(entries: [MappingEntry]) throws(MappingTableError) {
        var targets: [MappingKey: MappingTarget] = [:]
        var lines: [MappingKey: Int?] = [:]
        var statusesWithDetails: Set<MappingKey> = []
        for entry in entries {
            if let firstLine = lines[entry.key] {
                throw .duplicateKey(entry.key, firstLine: firstLine, secondLine: entry.line)
            }
            lines[entry.key] = entry.line
            targets[entry.key] = entry.target
            if entry.key.detailCode != nil {
                statusesWithDetails.insert(MappingKey(provider: entry.key.provider, rawStatus: entry.key.rawStatus))
            }
        }
        self.entries = entries.sorted { $0.key < $1.key }
        self.targets = targets
        self.statusesWithDetails = statusesWithDetails
    }

    /// Maps a provider's status and detail code.
    ///
    /// A detail code counts only for statuses the table lists details for (a Firetext `code` with status `1`);
    /// elsewhere it is ignored. A detail the table does not list falls back to the status's own line and is
    /// reported in ``MappingResult/unknownDetailCode``.
    public func map(provider: Provider, rawStatus: String, detailCode: String?) -> MappingResult {
        let statusKey = MappingKey(provider: provider, rawStatus: rawStatus)
        guard let detailCode, statusesWithDetails.contains(statusKey) else {
            return MappingResult(target: targets[statusKey])
        }
        if let target = targets[MappingKey(provider: provider, rawStatus: rawStatus, detailCode: detailCode)] {
            return MappingResult(target: target)
        }
        return MappingResult(target: targets[statusKey], unknownDetailCode: detailCode)
    }

    /// Maps a receipt's status and detail code.
    public func map(_ receipt: ProviderReceipt) -> MappingResult {
        map(provider: receipt.provider, rawStatus: receipt.rawStatus, detailCode: receipt.detailCode)
    }
}
