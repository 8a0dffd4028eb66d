import CallbackCore
import Foundation

/// The one place a ``ReceiptWrite`` becomes a receipt statement's parameters, beside the SQL that reads them
/// (`ReceiptStatements.swift`, whose header lists them).
extension ReceiptStatements {
    /// The statement and parameters that carry out a write; the only place parameters are made.
    static func command(_ write: ReceiptWrite) -> PostgresConnection.PipelineCommand {
        switch write {
        case .arrived(let application, let arrival):
            let statement = record(Lookup(application.lookup), Effect(application.target), claim: arrival.oneTimeToken != nil)
            var parameters = shared(application) + [
                application.provider.rawValue,
                arrival.rawBody,
                arrival.contentType,
                arrival.rawStatus,
                arrival.detailCode,
                arrival.providerTimestamp.map { String($0.timeIntervalSince1970) },
                outcomesArray(application.decisions),
                application.decisions.outcomeBehindEarlier.rawValue,
            ]
            if let token = arrival.oneTimeToken { parameters.append(token) }
            return .prepared(statement, parameters)
        case .reapplied(let application, let receiptID):
            return .prepared(retry(Lookup(application.lookup), Effect(application.target)), shared(application) + [
                String(receiptID),
                outcomesArray(application.decisions),
                application.decisions.outcomeBehindEarlier.rawValue,
            ])
        case .unreadable(let unreadable):
            return .prepared(recordUnreadable, [unreadable.provider.rawValue, unreadable.rawBody, unreadable.contentType])
        }
    }

    /// `$1`-`$11`.
    private static func shared(_ application: ReceiptApplication) -> [String?] {
        let notificationID: String? = if case .id(let id) = application.lookup { UUIDText.lowercase(id) } else { nil }
        let plan = application.decisions.plan
        return [
            notificationID,
            application.providerReference,
            application.target?.rawValue,
            plan.fromSending?.rawValue,
            plan.fromPending?.rawValue,
            application.provider.actor,
            application.provider.rawValue,
            String(application.retryDelay),
            application.complaint?.feedbackID,
            application.complaint?.complaintType,
            application.complaint?.complainedAt.map { String($0.timeIntervalSince1970) },
        ]
    }

    /// The outcomes when nothing was written, as a PostgreSQL array literal in ``ReceiptDecisions/statusOrder``.
    private static func outcomesArray(_ decisions: ReceiptDecisions) -> String {
        "{" + decisions.outcomesWhenUnchanged.map(\.rawValue).joined(separator: ",") + "}"
    }

}

extension ReceiptStatements.Lookup {
    init(_ lookup: NotificationLookup) {
        switch lookup {
        case .id: self = .id
        case .reference: self = .reference
        }
    }
}

extension ReceiptStatements.Effect {
    init(_ target: MappingTarget?) { self = target == .complaint ? .complaint : .status }
}
