/// A receipt together with what the mapping made of it: everything the store needs to apply it.
public struct MappedReceipt: Sendable, Hashable {
    /// The receipt as the provider sent it.
    public var receipt: ProviderReceipt
    /// What its status means.
    public var mapping: MappingResult

    /// Creates a mapped receipt.
    public init(receipt: ProviderReceipt, mapping: MappingResult) {
        self.receipt = receipt
        self.mapping = mapping
    }

    /// What the receipt writes from `sending` and from `pending`, by the transition rules.
    public var plan: TransitionPlan { TransitionRules.plan(for: mapping.target) }
}
