import CallbackCore
import Foundation

/// One write to `callback_receipts` (and, through the rules, to the notification), as named, typed fields: a receipt
/// that has just arrived, a stored receipt applied again, or an event of a batch that could not be read. Only
/// ``ReceiptStatements`` turns it into a statement's parameters, beside the SQL that reads them.
enum ReceiptWrite: Sendable {
    /// A receipt that has just arrived: stored, then applied.
    case arrived(ReceiptApplication, Arrival)
    /// A stored receipt applied again (the retrier, a re-drive).
    case reapplied(ReceiptApplication, receiptID: Int64)
    /// An event of a batch that could not be read: stored as `invalid`, applied to nothing.
    case unreadable(UnreadableReceipt)

    /// What arrived with a new receipt, beyond what applying it needs.
    struct Arrival: Sendable {
        var rawBody: String
        var contentType: String?
        var rawStatus: String
        var detailCode: String?
        var providerTimestamp: Date?
        /// A value the receipt may bring once only (Mailgun's `token`), claimed in the same statement.
        var oneTimeToken: String?
    }

    /// A receipt that has just arrived, with the delay before its first retry should it have to wait.
    init(_ incoming: IncomingReceipt, retryDelay: Double) {
        let receipt = incoming.mapped.receipt
        self = .arrived(
            ReceiptApplication(incoming.mapped, decisions: ReceiptDecisions(target: incoming.mapped.mapping.target), retryDelay: retryDelay),
            Arrival(
                rawBody: incoming.rawBody, contentType: incoming.contentType, rawStatus: receipt.rawStatus,
                detailCode: receipt.detailCode, providerTimestamp: receipt.providerTimestamp, oneTimeToken: incoming.oneTimeToken
            )
        )
    }

    /// The notification the write is about, by which batches order their writes (see ``ReceiptBatcher``).
    var notificationKey: String {
        switch self {
        case .arrived(let application, _), .reapplied(let application, _): application.notificationKey
        case .unreadable: ""
        }
    }
}

/// What applying a receipt needs: which notification, what the rules decided, and what to write.
struct ReceiptApplication: Sendable {
    /// How the statement finds the notification.
    var lookup: NotificationLookup
    /// The provider's own id for the message, kept with the receipt (and the lookup key when ``lookup`` is by
    /// reference).
    var providerReference: String?
    /// Who sent it.
    var provider: Provider
    /// The mapped target, `nil` when unmapped.
    var target: MappingTarget?
    /// What the rules decided, for every status the notification may be found in.
    var decisions: ReceiptDecisions
    /// Set for an email complaint.
    var complaint: ComplaintDetails?
    /// Seconds until the next attempt, should the receipt have to wait.
    var retryDelay: Double

    init(_ mapped: MappedReceipt, decisions: ReceiptDecisions, retryDelay: Double) {
        let receipt = mapped.receipt
        lookup = receipt.lookup
        providerReference = receipt.providerReference
        if case .reference(let reference) = receipt.lookup { providerReference = reference }
        provider = receipt.provider
        target = mapped.mapping.target
        self.decisions = decisions
        complaint = receipt.complaint
        self.retryDelay = retryDelay
    }

    /// The notification's id, or else the provider's reference.
    var notificationKey: String {
        switch lookup {
        case .id(let id): UUIDText.lowercase(id)
        case .reference(let reference): reference
        }
    }
}
