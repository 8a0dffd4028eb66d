import CallbackCore
import CallbackStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The background service that sends services the callbacks their notifications' changes owe them.
///
///     receipt / timeout ──(same transaction)──▶ outbox row, pending
///     outbox ──claim (SKIP LOCKED, lease)──▶ HostGate ──go──▶ ServiceCallbackSender ──▶ the service's URL
///                                              │ paused/busy                  │ answer
///                                              ▼                              ▼
///                                        postponed (no attempt)   ServiceCallbackRetryPolicy ──▶ settle:
///                                                                 sent · retry after back-off · failed · dead
///
/// Every replica runs one; `SKIP LOCKED` shares the rows between them, and a row taken by a replica that dies is
/// taken again once its lease runs out (at least once: the idempotency key, the same on every attempt, lets the
/// service drop a repeat). For one notification and type, a row is taken only when no earlier one is pending.
public final class ServiceCallbackDispatcher: Service, Sendable {
    private let outbox: PostgresServiceCallbackOutbox
    private let sender: ServiceCallbackSender
    private let configuration: ServiceCallbackConfiguration
    private let logger: Logger
    private let metrics: GatewayMetrics
    private let state: Mutex<State>

    private struct State {
        var gate: HostGate
        var inFlight = 0
        /// Attempts finished and not yet recorded, and whether one of them is recording the others.
        var unsettled: [Settled] = []
        var settling = false
    }

    /// An attempt's end, waiting to be recorded.
    private struct Settled {
        var callback: OutboxCallback
        var settlement: OutboxSettlement
        var host: String?
    }

    /// Creates the dispatcher; `sender` makes each POST.
    public init(
        outbox: PostgresServiceCallbackOutbox,
        sender: ServiceCallbackSender,
        configuration: ServiceCallbackConfiguration,
        logger: Logger,
        metrics: GatewayMetrics = .disabled
    ) {
        self.outbox = outbox
        self.sender = sender
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.state = Mutex(State(gate: configuration.gate))
    }

    /// Sends until the service group shuts down, then lets the attempts in flight finish (each is bounded by the
    /// timeout) and closes the sender's idle connections. A database outage is logged (at most twice a minute) and
    /// waited out.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            var lastWarning: ContinuousClock.Instant?
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let room = configuration.maxInFlight - state.withLock { $0.inFlight }
                // A claim is a statement however few rows it takes: under load, let a quarter of the slots free up
                // first rather than claim a row or two each time one attempt ends.
                if room < max(configuration.maxInFlight / 4, 1) {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(20)) }
                    continue
                }
                var taken = 0
                do {
                    let callbacks = try await outbox.claim(limit: room, lease: configuration.lease)
                    taken = callbacks.count
                    for callback in callbacks {
                        await admit(callback, into: &group)
                    }
                } catch {
                    if lastWarning.map({ ContinuousClock.now - $0 >= .seconds(30) }) ?? true {
                        logger.warning("could not read the service callback outbox; will keep trying", metadata: ["error": "\(error)"])
                        lastWarning = .now
                    }
                }
                // A full claim means more may be due: look again at once.
                if taken < room {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int(self.configuration.pollInterval * 1000))) }
                }
            }
        }
        // Every attempt has ended: nothing will take the kept-alive connections again.
        await sender.shutdown()
    }

    /// Starts the attempt when its host may take it, or puts it back until the host may.
    private func admit(_ callback: OutboxCallback, into group: inout DiscardingTaskGroup) async {
        guard let text = callback.url, let url = URL(string: text), let host = url.host?.lowercased(), let sealed = callback.sealedToken else {
            await settle(callback, .failed(status: nil, reason: "the service has no \(callback.type.rawValue) callback registered any more"), host: nil)
            return
        }
        let admission = state.withLock { state -> HostGate.Admission in
            let admission = state.gate.admit(host, now: Date().timeIntervalSince1970)
            if admission == .go { state.inFlight += 1 }
            return admission
        }
        switch admission {
        case .wait(let seconds):
            await settle(callback, .postponed(after: seconds), host: host)
        case .go:
            group.addTask {
                await self.deliver(callback, to: url, host: host, sealed: sealed)
            }
        }
    }

    /// Makes one attempt and records what became of it.
    private func deliver(_ callback: OutboxCallback, to url: URL, host: String, sealed: [UInt8]) async {
        guard let token = configuration.sealer.open(sealed, service: callback.serviceID, type: callback.type) else {
            state.withLock { state in
                state.gate.abandon(host)
                state.inFlight -= 1
            }
            let reason = "the bearer token opens with none of the keys in SERVICE_CALLBACK_ENCRYPTION_KEY: keep the key that sealed it there, or set the callback again"
            await settle(callback, configuration.retry.retry(attempts: callback.attempts, status: nil, retryAfter: nil, reason: reason), host: host)
            return
        }
        let answer = await sender.send(ServiceCallbackRequest(
            url: url, bearerToken: token, idempotencyKey: UUIDText.lowercase(callback.idempotencyKey), body: Array(callback.payload.utf8)
        ))
        let reached: Bool = switch answer {
        case .accepted, .refused: true
        case .retryable, .blocked: false
        }
        state.withLock { state in
            state.gate.finish(host, succeeded: reached, now: Date().timeIntervalSince1970)
            state.inFlight -= 1
        }
        await settle(callback, configuration.retry.settlement(for: answer, attempts: callback.attempts), host: host)
    }

    /// Records the settlement in the outbox, then counts and logs it. Attempts that end while another records
    /// theirs wait for it and are recorded together, in one statement: under load the statements come in batches,
    /// at rest one each. When the outbox cannot be written, the rows' leases run out and they are sent again: at
    /// least once.
    private func settle(_ callback: OutboxCallback, _ settlement: OutboxSettlement, host: String?) async {
        let records = state.withLock { state -> Bool in
            state.unsettled.append(Settled(callback: callback, settlement: settlement, host: host))
            guard !state.settling else { return false }
            state.settling = true
            return true
        }
        guard records else { return }
        while true {
            let batch = state.withLock { state -> [Settled] in
                let batch = state.unsettled
                state.unsettled = []
                if batch.isEmpty { state.settling = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                try await outbox.settle(Dictionary(batch.map { ($0.callback.id, $0.settlement) }) { first, _ in first })
            } catch {
                logger.warning("could not record service callbacks' attempts; they will be sent again when their leases run out", metadata: [
                    "outbox_ids": .string(batch.map { String($0.callback.id) }.joined(separator: ",")), "error": "\(error)",
                ])
                continue
            }
            for settled in batch {
                report(settled.callback, settled.settlement, host: settled.host)
            }
        }
    }

    /// Counts and logs a recorded settlement.
    private func report(_ callback: OutboxCallback, _ settlement: OutboxSettlement, host: String?) {
        let type = callback.type.rawValue
        func count(_ result: String) {
            metrics.increment("service_callback.\(type).\(result)")
            metrics.series.serviceCallback(type, result)
        }
        if case .sent(let status) = settlement {
            count("sent")
            metrics.timing("service_callback.\(type).elapsed-time", milliseconds: Date().timeIntervalSince(callback.createdAt) * 1000)
            // A line for each callback sent would cost as much as sending it; the counters say how many.
            if logger.logLevel <= .debug {
                var metadata = Self.metadata(callback, host: host)
                metadata["status_code"] = .stringConvertible(status)
                logger.debug("service callback sent", metadata: metadata)
            }
            return
        }
        var metadata = Self.metadata(callback, host: host)
        switch settlement {
        case .sent:
            break
        case .retry(let delay, let status, let reason):
            count("retried")
            metadata["retry_in"] = .string("\(Int(delay.rounded()))s")
            metadata["reason"] = .string(reason)
            if let status { metadata["status_code"] = .stringConvertible(status) }
            logger.notice("service callback not delivered; will retry", metadata: metadata)
        case .failed(let status, let reason):
            count("failed")
            metadata["reason"] = .string(reason)
            if let status { metadata["status_code"] = .stringConvertible(status) }
            logger.warning("service callback refused; not retried", metadata: metadata)
        case .dead(let status, let reason):
            count("dead")
            metadata["reason"] = .string(reason)
            if let status { metadata["status_code"] = .stringConvertible(status) }
            logger.error("service callback given up after its last attempt; `service-callbacks redrive --state dead` sends it again", metadata: metadata)
        case .postponed:
            break
        }
    }

    /// What every line about a callback says: which row, notification, service, type and attempt, and the host.
    private static func metadata(_ callback: OutboxCallback, host: String?) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "outbox_id": .stringConvertible(callback.id),
            "notification_id": .string(UUIDText.lowercase(callback.notificationID)),
            "service_id": .string(UUIDText.lowercase(callback.serviceID)),
            "callback_type": .string(callback.type.rawValue),
            "attempt": .stringConvertible(callback.attempts),
        ]
        if let host { metadata["host"] = .string(host) }
        return metadata
    }
}
