import CallbackCore
import CallbackStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Logging

/// The provider routes, one per unit of ``ProviderRegistry``.
///
/// ```
/// POST /notifications/<channel>/<provider>
///   ──► credentials (Basic auth units, as route middleware)
///   ──► Content-Type the adapter takes? ──no──► 415
///   ──► authentic? (the unit's signature check, or SNS) ──no──► 403, counted as rejected
///   ──► read and map (one receipt, or a batch of events) ──unreadable──► 400 listing every problem
///   ──► stored and applied, a request's receipts in one transaction (a one-time token claimed with them)
///   ──► logged, counted, unknown statuses alerted ──► 200 with the outcome
/// ```
///
/// The paths are those GOV.UK Notify gave its providers, so existing provider configuration works unchanged.
struct CallbackController<Context: RequestContext> {
    let store: any ReceiptStore
    let interpreter: ReceiptInterpreter
    let bodyLimits: BodyLimits
    let receiptLog: ReceiptLog
    let receiptMetrics: ReceiptMetrics
    /// Tells an operator about statuses the mapping does not know; `nil` when no webhook is configured.
    let alerter: UnmappedAlerter?
    /// Verifies SNS messages and confirms subscriptions (see `CallbackController+SNS.swift`).
    let sns: SNSMessageGate
    /// The signature check of each provider whose requests are signed, when its secrets are configured.
    let authenticators: [Provider: any RequestAuthenticator]
    /// The moment a signature's timestamp is judged against.
    let clock: any WallClock

    func addRoutes(to router: Router<Context>, credentials: [Provider: [BasicCredential]] = [:]) {
        for unit in ProviderRegistry.units {
            // Credentials are checked after routing, so no spelling of the path can reach the handler around them.
            let group = router.group()
            if case .basicAuth = unit.authenticity, let required = credentials[unit.provider], !required.isEmpty {
                group.add(middleware: BasicAuthMiddleware(credentials: required) { receiptMetrics.rejected(unit.provider) })
            }
            // Worked out once per route rather than for every request (an adapter's media types are a computed set).
            let bodyLimit = bodyLimits.limit(forPath: unit.routePath)
            let accepted = unit.adapter.acceptedMediaTypes
            group.post(RouterPath(unit.routePath)) { request, context in
                try await receive(request, context: context, unit: unit, bodyLimit: bodyLimit, accepted: accepted)
            }
        }
    }

    private func receive(
        _ request: Request, context: Context, unit: ProviderUnit, bodyLimit: Int, accepted: Set<String>
    ) async throws -> Response {
        let provider = unit.provider
        let contentType = request.headers[.contentType]
        let payloadType = CallbackPayload(body: [], contentType: contentType).mediaType
        if let payloadType, !accepted.contains(payloadType) {
            return ResultEnvelope.error(.unsupportedMediaType, [
                "\(provider.displayName) callback failed: Content-Type \(payloadType) is not accepted; send \(accepted.sorted().joined(separator: " or "))",
            ])
        }
        let body = try await request.body.collect(upTo: bodyLimit)
        let payload = CallbackPayload(
            body: Array(body.readableBytesView),
            contentType: contentType,
            headers: Self.headers(unit.headers, of: request)
        )
        // An SNS message is verified before the adapter reads anything more of it than its envelope, and then read
        // from that envelope rather than from the body again.
        var verified: SNSSignedMessage?
        var oneTimeToken: String?
        switch unit.authenticity {
        case .basicAuth:
            break
        case .snsSignature:
            switch await screenSNS(payload, logger: context.logger) {
            case .refused(let response): return response
            case .verified(let message): verified = message
            }
        case .signature:
            guard let authenticator = authenticators[provider] else {
                return refused(provider, "no secret is configured to check this provider's signatures", logger: context.logger)
            }
            switch authenticator.authenticate(payload, now: clock.now()) {
            case .refused(let reason): return refused(provider, reason, logger: context.logger)
            case .authentic(let token): oneTimeToken = token
            }
        }
        let interpretation: ReceiptInterpreter.Interpretation
        do {
            if let verified {
                interpretation = try interpreter.interpret(verified)
            } else {
                interpretation = try interpreter.interpret(payload, from: provider)
            }
        } catch {
            receiptLog.rejected(error, logger: context.logger)
            receiptMetrics.invalid(provider)
            return ResultEnvelope.error(.badRequest, error.problems)
        }
        switch interpretation {
        case .receipt(let mapped):
            let incoming = IncomingReceipt(
                mapped: mapped, rawBody: String(decoding: payload.body, as: UTF8.self), contentType: contentType, oneTimeToken: oneTimeToken
            )
            let recorded = try await store.record(incoming)
            if recorded.replayed {
                return refused(provider, "the request's one-time token was used before: a replayed request", logger: context.logger)
            }
            report(mapped, recorded, logger: context.logger)
            return ResultEnvelope.success(outcome: recorded.outcome.rawValue, status: recorded.statusWritten?.rawValue)
        case .batch(let events):
            return try await receive(events, from: provider, contentType: contentType, logger: context.logger)
        case .subscriptionConfirmation(let message):
            return await confirmSubscription(message, logger: context.logger)
        case .unsubscribeConfirmation(let message):
            receiptLog.unsubscribeConfirmation(message, logger: context.logger)
            return ResultEnvelope.success(outcome: "unsubscribe-confirmation-received")
        }
    }

    /// A batch's events, stored together in one transaction, each as a receipt of its own (an unreadable one as
    /// `invalid`, so that the provider does not send the whole batch again for it).
    private func receive(_ events: [MappedEvent], from provider: Provider, contentType: String?, logger: Logger) async throws -> Response {
        let arriving: [ArrivingReceipt] = events.map { event in
            switch event {
            case .receipt(let mapped, let text):
                .receipt(IncomingReceipt(mapped: mapped, rawBody: text, contentType: contentType))
            case .unreadable(let text, _):
                .unreadable(UnreadableReceipt(provider: provider, rawBody: text, contentType: contentType))
            }
        }
        let results = try await store.record(arriving)
        var outcomes: [String: Int] = [:]
        for (event, recorded) in zip(events, results) {
            outcomes[recorded.outcome.rawValue, default: 0] += 1
            switch event {
            case .receipt(let mapped, _):
                report(mapped, recorded, logger: logger)
            case .unreadable(_, let problems):
                receiptLog.unreadableEvent(provider, problems: problems, logger: logger)
                receiptMetrics.invalid(provider)
            }
        }
        return ResultEnvelope.batch(outcomes: outcomes)
    }

    /// Logs, counts and (for statuses the mapping does not know) alerts one stored receipt.
    private func report(_ mapped: MappedReceipt, _ recorded: RecordedReceipt, logger: Logger) {
        receiptLog.recorded(mapped, recorded, logger: logger)
        receiptMetrics.recorded(mapped.receipt.provider, recorded)
        alert(mapped, recorded)
    }

    /// 403 for a request that did not show it came from its provider: logged with the reason, counted as
    /// `callback.<provider>.rejected`, and answered without saying why.
    private func refused(_ provider: Provider, _ reason: String, logger: Logger) -> Response {
        receiptLog.refused(provider, reason: reason, logger: logger)
        receiptMetrics.rejected(provider)
        return ResultEnvelope.error(.forbidden, ["\(provider.displayName) request not accepted"])
    }

    private func alert(_ mapped: MappedReceipt, _ recorded: RecordedReceipt) {
        guard let alerter, !recorded.isResend, recorded.outcome != .ignored else { return }
        let receipt = mapped.receipt
        if recorded.outcome == .unmapped {
            alerter.unmappedStatus(provider: receipt.provider, rawStatus: receipt.rawStatus, detailCode: receipt.detailCode)
        } else if let unknown = mapped.mapping.unknownDetailCode {
            alerter.unknownDetailCode(provider: receipt.provider, rawStatus: receipt.rawStatus, detailCode: unknown)
        }
    }

    /// The headers a unit reads, by lower-case name.
    private static func headers(_ names: [String], of request: Request) -> [String: String] {
        var found: [String: String] = [:]
        for name in names {
            if let field = HTTPField.Name(name), let value = request.headers[field] { found[name] = value }
        }
        return found
    }
}
