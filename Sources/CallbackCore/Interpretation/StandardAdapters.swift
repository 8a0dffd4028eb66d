extension ReceiptInterpreter {
    /// The adapter of every provider in ``ProviderRegistry``.
    public static var standardAdapters: [any ReceiptAdapter] { ProviderRegistry.units.map(\.adapter) }
}
