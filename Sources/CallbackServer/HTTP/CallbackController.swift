import CallbackCore
import CallbackStore
import HTTPTypes
import Hummingbird
import NIOCore
import Logging

/// The provider routes: read the request, map it, store and apply it, answer.
///
/// The paths are those GOV.UK Notify gave its providers, so existing provider configuration works unchanged.
struct CallbackController<Context: RequestContext> {
    let store: any ReceiptStore
    let interpreter: ReceiptInterpreter
    let maxBodyBytes: Int
    let receiptLog: ReceiptLog
    let receiptMetrics: ReceiptMetrics
    /// Tells an operator about statuses the mapping does not know; `nil` when no webhook is configured.
    let alerter: UnmappedAlerter?
    /// Verifies SNS messages and confirms subscriptions (see `CallbackController+SNS.swift`).
    let sns: SNSMessageGate

    func addRoutes(to router: Router<Context>, credentials: [Provider: [BasicCredential]] = [:]) {
        for provider in Provider.allCases {
            // Credentials are checked after routing, so no spelling of the path can reach the handler around them.
            let group = router.group()
            if let required = credentials[provider], !required.isEmpty {
                group.add(middleware: BasicAuthMiddleware(credentials: required))
            }
            group.post(RouterPath(CallbackRoutes.path(for: provider))) { request, context in
                try await receive(request, context: context, from: provider)
            }
        }
    }

    private func receive(_ request: Request, context: Context, from provider: Provider) async throws -> Response {
        guard let adapter = interpreter.adapter(for: provider) else { throw HTTPError(.notFound) }
        let contentType = request.headers[.contentType]
        let payloadType = CallbackPayload(body: [], contentType: contentType).mediaType
        if let payloadType, !adapter.acceptedMediaTypes.contains(payloadType) {
            let accepted = adapter.acceptedMediaTypes.sorted().joined(separator: " or ")
            return ResultEnvelope.error(.unsupportedMediaType, [
                "\(provider.displayName) callback failed: Content-Type \(payloadType) is not accepted; send \(accepted)",
            ])
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes {
            throw NIOTooManyBytesError(maxBytes: maxBodyBytes)
        }
        let body = try await request.body.collect(upTo: maxBodyBytes)
        let payload = CallbackPayload(
            body: Array(body.readableBytesView),
            contentType: contentType,
            headers: Self.relevantHeaders(of: request)
        )
        // An SNS message is verified before the adapter reads anything more of it than its envelope, and then read
        // from that envelope rather than from the body again.
        var verified: SNSSignedMessage?
        if provider == .ses {
            switch await screenSNS(payload, logger: context.logger) {
            case .refused(let response): return response
            case .verified(let message): verified = message
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
            let incoming = IncomingReceipt(mapped: mapped, rawBody: String(decoding: payload.body, as: UTF8.self), contentType: contentType)
            let recorded = try await store.record(incoming)
            receiptLog.recorded(mapped, recorded, logger: context.logger)
            receiptMetrics.recorded(provider, recorded)
            alert(mapped, recorded)
            return ResultEnvelope.success(outcome: recorded.outcome.rawValue, status: recorded.statusWritten?.rawValue)
        case .subscriptionConfirmation(let message):
            return await confirmSubscription(message, logger: context.logger)
        case .unsubscribeConfirmation(let message):
            receiptLog.unsubscribeConfirmation(message, logger: context.logger)
            return ResultEnvelope.success(outcome: "unsubscribe-confirmation-received")
        }
    }

    private func alert(_ mapped: MappedReceipt, _ recorded: RecordedReceipt) {
        guard let alerter, !recorded.isResend else { return }
        let receipt = mapped.receipt
        if recorded.outcome == .unmapped {
            alerter.unmappedStatus(provider: receipt.provider, rawStatus: receipt.rawStatus, detailCode: receipt.detailCode)
        } else if let unknown = mapped.mapping.unknownDetailCode {
            alerter.unknownDetailCode(provider: receipt.provider, rawStatus: receipt.rawStatus, detailCode: unknown)
        }
    }

    private static func relevantHeaders(of request: Request) -> [String: String] {
        guard let name = HTTPField.Name("x-amz-sns-message-type"), let value = request.headers[name] else { return [:] }
        return ["x-amz-sns-message-type": value]
    }
}
