import CallbackCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Tells operators, through a webhook, when providers send statuses (or detail codes) the mapping does not know.
///
/// The request path only counts: ``unmappedStatus(provider:rawStatus:detailCode:)`` and
/// ``unknownDetailCode(provider:rawStatus:detailCode:)`` update an in-memory table under a lock and return, so a
/// slow or failing webhook can never delay or fail a receipt. ``run()`` does the sending, a few times a second:
///
/// - The first occurrence of a key (kind, provider, raw status, and for unknown codes the code) is alerted on the
///   next tick, well within a second.
/// - After that, at most one alert per key per ``AlertConfiguration/cooldown`` on this replica: occurrences in
///   between are counted, and the next alert, once the cooldown is over, reports their number and the time of the
///   first of them. No occurrences, no alert.
/// - A send that fails or times out is logged as a warning (the webhook shown as scheme, host and port only) and
///   its occurrences go back to the table, so the next alert, one cooldown later, reports them together with the
///   newer ones; after a success they are gone, so nothing is counted twice.
/// - Memory is bounded: see ``AlertLedger`` (at most 1000 keys; more distinct statuses within one cooldown are
///   counted under one "other statuses" key per provider).
///
/// Alerts go out one at a time, so a stalled webhook delays the others by at most the timeout each; that also
/// paces bursts for webhooks that rate-limit (Slack allows about one message a second, and answers more with 429,
/// which is retried like any failure).
public final class UnmappedAlerter: Service, Sendable {
    /// How often ``run()`` looks for due alerts: often enough that a first occurrence is alerted well within a
    /// second, rarely enough to cost nothing.
    static let defaultTick = Duration.milliseconds(250)

    private let cooldown: Duration
    private let webhook: String
    private let logger: Logger
    private let sender: any AlertSender
    private let tick: Duration
    private let maximumKeys: Int
    private let ledger: Mutex<AlertLedger>
    private let metrics: GatewayMetrics

    /// Creates an alerter.
    ///
    /// - Parameters:
    ///   - configuration: The webhook, cooldown and timeout.
    ///   - logger: Where failed sends (warnings) and sent alerts (info) are logged.
    ///   - sender: What delivers the alerts; by default a ``WebhookSender`` for the configured URL and timeout (a
    ///     sender given here bounds its own sends; the configured URL is then only shown, redacted, in logs).
    ///   - metrics: where each send is counted and timed, as `tasks.send_unmapped_alert`.
    public convenience init(
        configuration: AlertConfiguration, logger: Logger, sender: (any AlertSender)? = nil, metrics: GatewayMetrics = .disabled
    ) {
        self.init(
            configuration: configuration, logger: logger, sender: sender,
            tick: Self.defaultTick, maximumKeys: AlertLedger.defaultMaximumKeys, metrics: metrics
        )
    }

    /// Creates an alerter with a tick and a key limit of its own, for tests.
    init(
        configuration: AlertConfiguration, logger: Logger, sender: (any AlertSender)?, tick: Duration, maximumKeys: Int,
        metrics: GatewayMetrics = .disabled
    ) {
        self.metrics = metrics
        cooldown = configuration.cooldown
        webhook = AlertWebhookURL.redacted(configuration.webhookURL)
        self.logger = logger
        self.sender = sender ?? WebhookSender(url: configuration.webhookURL, timeout: configuration.timeout)
        self.tick = tick
        self.maximumKeys = maximumKeys
        ledger = Mutex(AlertLedger(cooldown: configuration.cooldown, maximumKeys: maximumKeys))
    }

    /// Counts a receipt that was stored as `unmapped` because the mapping does not know its status.
    ///
    /// Called on the request path: returns at once (no I/O, no waiting beyond a short lock). Occurrences are
    /// keyed by provider and raw status; the detail code, if any, is shown in the alert.
    public func unmappedStatus(provider: Provider, rawStatus: String, detailCode: String?) {
        let key = AlertKey(kind: .unmappedStatus, provider: provider, rawStatus: rawStatus, detailCode: nil)
        record(key, detailCode: detailCode.map(LogSafe.bounded))
    }

    /// Counts a receipt whose detail code the mapping does not know (an unknown Firetext code), which was
    /// therefore classified by its status alone. Alerted like an unmapped status, but worded as a warning, and keyed
    /// by provider, raw status and code. Returns at once, like ``unmappedStatus(provider:rawStatus:detailCode:)``.
    public func unknownDetailCode(provider: Provider, rawStatus: String, detailCode: String) {
        record(AlertKey(kind: .unknownDetailCode, provider: provider, rawStatus: rawStatus, detailCode: detailCode), detailCode: nil)
    }

    /// Sends due alerts until graceful shutdown or cancellation, then returns at once (abandoning a send in
    /// flight; its occurrences stay counted). It never throws.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                await sendDue()
                do { try await Task.sleep(for: tick) } catch { return }
            }
        }
    }

    /// Sends every alert that is due now, one after the other.
    func sendDue() async {
        let now = ContinuousClock.now
        let due = ledger.withLock { ledger in
            ledger.prune(at: now)
            return ledger.takeDue(at: now)
        }
        for (index, alert) in due.enumerated() {
            if Task.isCancelled {
                putBack(due[index...])
                return
            }
            do {
                try await metrics.measured(job: "send_unmapped_alert") { try await sender.send(text: AlertText.text(for: alert)) }
                ledger.withLock { $0.delivered(alert) }
                logger.info("alert sent", metadata: metadata(of: alert))
            } catch {
                ledger.withLock { $0.failed(alert) }
                if Task.isCancelled {
                    putBack(due[(index + 1)...])
                    return
                }
                var fields = metadata(of: alert)
                fields["error"] = "\(error)"
                fields["retry_in"] = .string(DurationText.spoken(cooldown))
                logger.warning("could not send an alert; its occurrences are kept and sent after the cooldown", metadata: fields)
            }
        }
    }

    private func record(_ key: AlertKey, detailCode: String?) {
        let now = Date()
        ledger.withLock { $0.record(key, detailCode: detailCode, at: now) }
    }

    /// Returns alerts that were taken but not sent (shutdown came first) to the table.
    private func putBack(_ alerts: ArraySlice<DueAlert>) {
        ledger.withLock { ledger in
            for alert in alerts { ledger.failed(alert) }
        }
    }

    private func metadata(of alert: DueAlert) -> Logger.Metadata {
        var fields: Logger.Metadata = [
            "webhook": .string(webhook),
            "provider": .string(alert.key.provider.rawValue),
            "alert": .string(alert.key.kind == .unmappedStatus ? "unmapped_status" : "unknown_detail_code"),
            "occurrences": .stringConvertible(alert.count),
        ]
        if let status = alert.key.rawStatus {
            fields["raw_status"] = .string(LogSafe.token(status))
        } else {
            fields["raw_status"] = "other statuses"
            fields["tracked_limit"] = .stringConvertible(maximumKeys)
        }
        if let code = alert.key.detailCode ?? alert.detailCode { fields["detail_code"] = .string(LogSafe.token(code)) }
        return fields
    }
}
