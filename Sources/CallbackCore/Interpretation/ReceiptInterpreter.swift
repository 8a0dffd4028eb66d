/// Reads a provider's request and maps it: the adapter for the provider, then the mapping table.
///
/// Used for every request and again whenever a stored receipt is re-applied, so a receipt means the same thing
/// whichever path it takes.
public struct ReceiptInterpreter: Sendable {
    /// The table in force.
    public let mappings: MappingTable
    private let adapters: [Provider: any ReceiptAdapter]

    /// Creates an interpreter with the given mapping table and adapters.
    public init(mappings: MappingTable, adapters: [any ReceiptAdapter]) {
        self.mappings = mappings
        self.adapters = Dictionary(adapters.map { ($0.provider, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The adapter for a provider.
    public func adapter(for provider: Provider) -> (any ReceiptAdapter)? { adapters[provider] }

    /// Parses and maps a request.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem with the request.
    public func interpret(_ payload: CallbackPayload, from provider: Provider) throws(InvalidCallback) -> Interpretation {
        guard let adapter = adapters[provider] else {
            throw InvalidCallback(provider: provider, problems: ["no adapter is configured for this provider"])
        }
        return try interpretation(of: adapter.parse(payload))
    }

    /// Parses and maps an SNS message on the SES route whose envelope was read already, to verify it: the same as
    /// ``interpret(_:from:)`` on the body it came from, without reading that body again.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem with the message.
    public func interpret(_ signed: SNSSignedMessage) throws(InvalidCallback) -> Interpretation {
        guard let adapter = adapters[.ses] as? SESAdapter else {
            throw InvalidCallback(provider: .ses, problems: ["no adapter is configured for this provider"])
        }
        return try interpretation(of: adapter.parse(signed))
    }

    private func interpretation(of message: ProviderMessage) throws(InvalidCallback) -> Interpretation {
        switch message {
        case .receipt(let receipt):
            try ReceiptLimits.check(receipt)
            return .receipt(MappedReceipt(receipt: receipt, mapping: mappings.map(receipt)))
        case .batch(let events):
            return .batch(events.map { event in
                switch event {
                case .receipt(let receipt, let text):
                    do throws(InvalidCallback) {
                        try ReceiptLimits.check(receipt)
                        return .receipt(MappedReceipt(receipt: receipt, mapping: mappings.map(receipt)), text: text)
                    } catch {
                        return .unreadable(text: text, problems: error.problems)
                    }
                case .unreadable(let text, let problems):
                    return .unreadable(text: text, problems: problems)
                }
            })
        case .subscriptionConfirmation(let message):
            return .subscriptionConfirmation(message)
        case .unsubscribeConfirmation(let message):
            return .unsubscribeConfirmation(message)
        }
    }

    /// What a request turned out to be.
    public enum Interpretation: Sendable, Hashable {
        /// A receipt to apply.
        case receipt(MappedReceipt)
        /// Several events of one request, each a receipt to apply with its own text, or one that could not be read.
        case batch([MappedEvent])
        /// SNS asks to confirm a subscription.
        case subscriptionConfirmation(SNSControlMessage)
        /// SNS says a subscription ended.
        case unsubscribeConfirmation(SNSControlMessage)
    }
}

/// One event of a batch, mapped.
public enum MappedEvent: Sendable, Hashable {
    /// A receipt to apply, with the event's own text.
    case receipt(MappedReceipt, text: String)
    /// An event that could not be read.
    case unreadable(text: String, problems: [String])
}
