import CallbackCore

/// `replay --dry-run`: what the gateway would make of each fixture, worked out locally with the adapters, the
/// mapping and the rules; no server and no database.
struct DryRun {
    let interpreter: ReceiptInterpreter

    func table(for fixtures: FixtureSet) -> String {
        var table = TextTable(columns: ["file", "provider", "provider status", "target", "from sending", "from pending"])
        for entry in fixtures.entries {
            for row in describe(entry.fixture) {
                table.add([entry.path, entry.fixture.provider.rawValue] + row)
            }
        }
        return table.render()
    }

    /// Provider status, target, and what the rules write from `sending` and from `pending`: one row, or one per
    /// event of a batch.
    private func describe(_ fixture: ReceiptFixture) -> [[String]] {
        let interpretation: ReceiptInterpreter.Interpretation
        do {
            interpretation = try interpreter.interpret(fixture.payload, from: fixture.provider)
        } catch {
            return [["rejected (400): " + error.problems.joined(separator: "; "), "", "", ""]]
        }
        switch interpretation {
        case .subscriptionConfirmation:
            return [["SNS SubscriptionConfirmation", "(answered 200, nothing applied)", "", ""]]
        case .unsubscribeConfirmation:
            return [["SNS UnsubscribeConfirmation", "(answered 200, nothing applied)", "", ""]]
        case .receipt(let mapped):
            return [describe(mapped)]
        case .batch(let events):
            return events.map { event in
                switch event {
                case .receipt(let mapped, _): describe(mapped)
                case .unreadable(_, let problems): ["unreadable event (stored as invalid): " + problems.joined(separator: "; "), "", "", ""]
                }
            }
        }
    }

    private func describe(_ mapped: MappedReceipt) -> [String] {
        var status = mapped.receipt.rawStatus
        if let detail = mapped.receipt.detailCode { status += " / " + detail }
        if let unknown = mapped.mapping.unknownDetailCode { status += " (\(unknown) unknown: status's own line)" }
        let target = mapped.mapping.target?.rawValue ?? "unmapped"
        return [status, target, outcome(mapped.mapping.target, from: .sending), outcome(mapped.mapping.target, from: .pending)]
    }

    private func outcome(_ target: MappingTarget?, from current: NotificationStatus) -> String {
        let decision = TransitionRules.decide(target: target, current: current)
        return decision.statusWritten?.rawValue ?? decision.outcome.rawValue
    }
}
