import Testing

@testable import CallbackCore

/// What the adapter tests ask of a parse: the receipt it gave, or the problems it refused the request with.
extension ReceiptAdapter {
    /// The receipt `payload` parses to; throws when it is refused or is not a receipt.
    func receipt(_ payload: CallbackPayload, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProviderReceipt {
        let message = try parse(payload)
        if case .receipt(let receipt) = message { return receipt }
        return try #require(nil as ProviderReceipt?, "expected a receipt, got \(message)", sourceLocation: sourceLocation)
    }

    /// The problems `payload` is refused with; records an issue when it is accepted.
    func problems(_ payload: CallbackPayload, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        do {
            let message = try parse(payload)
            Issue.record("expected the request to be refused, got \(message)", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.problems
        }
    }

    /// Parses every body, checking that none crashes and that every refusal says, under the provider's name, what
    /// was wrong; returns how many were accepted.
    func acceptedCount(of bodies: [[UInt8]], sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        var accepted = 0
        for body in bodies {
            do {
                _ = try parse(CallbackPayload(body: body))
                accepted += 1
            } catch {
                let prefix = "\(provider.displayName) callback failed: "
                #expect(!error.problems.isEmpty, sourceLocation: sourceLocation)
                #expect(error.problems.allSatisfy { $0.hasPrefix(prefix) }, sourceLocation: sourceLocation)
            }
        }
        return accepted
    }
}
