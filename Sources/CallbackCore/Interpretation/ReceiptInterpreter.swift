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
        /// SNS asks to confirm a subscription.
        case subscriptionConfirmation(SNSControlMessage)
        /// SNS says a subscription ended.
        case unsubscribeConfirmation(SNSControlMessage)
    }
}
