/// What the mapping table says a receipt means.
public struct MappingResult: Sendable, Hashable {
    /// The target, or `nil` when the table does not know the provider's status (the receipt is unmapped).
    public var target: MappingTarget?
    /// A detail code the table does not list for a status that has details; the status's own line was used.
    /// Worth a warning: the provider may have started sending a new code.
    public var unknownDetailCode: String?

    /// Creates a result.
    public init(target: MappingTarget?, unknownDetailCode: String? = nil) {
        self.target = target
        self.unknownDetailCode = unknownDetailCode
    }
}
