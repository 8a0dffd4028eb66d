import CallbackCore
import Foundation

/// What storing and applying a receipt did.
public struct RecordedReceipt: Sendable, Hashable {
    /// The receipt's outcome.
    public var outcome: ReceiptOutcome
    /// The status written, when the receipt changed the notification.
    public var statusWritten: NotificationStatus?
    /// The history version the change produced.
    public var historyVersion: Int?
    /// The notification the receipt is about, when known.
    public var notificationID: UUID?
    /// Milliseconds from the notification's `sent_at` to now, when the receipt changed it and `sent_at` is set.
    public var millisecondsSinceSent: Double?
    /// The receipt's row in `callback_receipts`; `nil` when the very same receipt had been stored before.
    public var receiptID: Int64?
    /// Whether the receipt was refused because its one-time token had been taken before (a replayed Mailgun
    /// request): nothing was stored.
    public var replayed: Bool

    /// Creates a result.
    public init(
        outcome: ReceiptOutcome,
        statusWritten: NotificationStatus? = nil,
        historyVersion: Int? = nil,
        notificationID: UUID? = nil,
        millisecondsSinceSent: Double? = nil,
        receiptID: Int64? = nil,
        replayed: Bool = false
    ) {
        self.outcome = outcome
        self.statusWritten = statusWritten
        self.historyVersion = historyVersion
        self.notificationID = notificationID
        self.millisecondsSinceSent = millisecondsSinceSent
        self.receiptID = receiptID
        self.replayed = replayed
    }

    /// Whether this was a resend of a receipt already stored.
    public var isResend: Bool { receiptID == nil }

    /// Reads the summary row the receipt statements end with.
    init(_ result: QueryResult) throws(DatabaseError) {
        guard let outcomeText = result.value("outcome"), let outcome = ReceiptOutcome(rawValue: outcomeText) else {
            throw .statementFailed(sqlState: "", message: "the receipt statement returned no outcome")
        }
        self.init(
            outcome: outcome,
            statusWritten: result.value("status_written").flatMap(NotificationStatus.init(rawValue:)),
            historyVersion: result.value("history_version").flatMap { Int($0) },
            notificationID: result.value("notification_id").flatMap(UUIDText.parse),
            millisecondsSinceSent: result.value("elapsed_ms").flatMap { Double($0) },
            receiptID: result.value("receipt_id").flatMap { Int64($0) },
            replayed: result.value("replayed") == "t"
        )
    }
}
