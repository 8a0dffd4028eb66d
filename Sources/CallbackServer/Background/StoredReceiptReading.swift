import CallbackCore
import CallbackStore

extension ReceiptInterpreter {
    /// Reads a stored receipt again with the adapters and mapping now in force, for the retrier and for re-drives:
    /// a receipt means the same whichever path applies it. `nil` when its body can no longer be read.
    public var storedReceiptReader: @Sendable (StoredReceipt) -> MappedReceipt? {
        { [self] stored in
            guard case .receipt(let mapped)? = try? interpret(stored.payload, from: stored.provider) else { return nil }
            return mapped
        }
    }
}
