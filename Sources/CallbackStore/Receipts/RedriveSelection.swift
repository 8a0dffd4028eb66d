import CallbackCore
import Foundation

/// Which stored receipts to re-drive.
public struct RedriveSelection: Sendable, Hashable {
    /// Their current outcome: `unmapped`, `waiting` or `orphaned`.
    public var outcome: ReceiptOutcome
    /// Only this provider's, when given.
    public var provider: Provider?
    /// Only those received at or after this time, when given.
    public var since: Date?

    /// Creates a selection.
    public init(outcome: ReceiptOutcome, provider: Provider? = nil, since: Date? = nil) {
        self.outcome = outcome
        self.provider = provider
        self.since = since
    }
}
