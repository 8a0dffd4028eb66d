import CallbackCore
@testable import CallbackServer
import Foundation
import Logging
import ServiceLifecycle
import Testing
import TestSupport

/// Alerts on unmapped statuses and unknown detail codes, checked against a real HTTP server on 127.0.0.1: every
/// assertion about an alert is about a POST that actually arrived.
/// A request path that blocked on the webhook would hang these tests; the time limit turns that into a failure.
@Suite("Unmapped alerts", .timeLimit(.minutes(2)))
struct AlertTests {
    private static func alerter(
        _ receiver: WebhookReceiver,
        cooldown: Duration = .seconds(900),
        timeout: Duration = .seconds(5),
        logs: CapturedLogs = CapturedLogs(),
        maximumKeys: Int = AlertLedger.defaultMaximumKeys
    ) -> UnmappedAlerter {
        UnmappedAlerter(
            configuration: AlertConfiguration(webhookURL: receiver.url(), cooldown: cooldown, timeout: timeout),
            logger: logs.logger(label: "alerts"),
            sender: nil,
            tick: UnmappedAlerter.defaultTick,
            maximumKeys: maximumKeys
        )
    }

    /// Runs `body` while `alerter` runs, then cancels it and waits until it has returned.
    private static func whileRunning<T>(_ alerter: UnmappedAlerter, _ body: () async throws -> T) async throws -> T {
        let running = Task { try await alerter.run() }
        do {
            let result = try await body()
            running.cancel()
            try await running.value
            return result
        } catch {
            running.cancel()
            _ = try? await running.value
            throw error
        }
    }

    private struct Message: Decodable { var text: String }

    /// The `text` of a webhook call, after checking that it is the JSON object Slack expects.
    private static func text(of request: WebhookReceiver.Request) throws -> String {
        #expect(request.method == "POST")
        #expect(request.headers["content-type"] == "application/json")
        let object = try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any]
        #expect(object?.keys.sorted() == ["text"], "the body is {\"text\": ...} and nothing else")
        return try JSONDecoder().decode(Message.self, from: Data(request.body.utf8)).text
    }

    private static var timestamp: Regex<Substring> { /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/ }

    /// The text with its one timestamp replaced by `TIME`, and that timestamp.
    private static func withoutTimestamp(_ text: String) throws -> (text: String, time: Date) {
        let match = try #require(text.firstMatch(of: timestamp))
        let time = try #require(try? Date(String(match.output), strategy: .iso8601))
        return (text.replacing(timestamp, with: "TIME"), time)
    }

    // MARK: Delivery and cooldown

    @Test func oneUnmappedStatusPostsOneAlertWithTheExpectedText() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            let alerter = Self.alerter(receiver)
            try await Self.whileRunning(alerter) {
                let before = Date().addingTimeInterval(-1)
                let started = ContinuousClock.now
                alerter.unmappedStatus(provider: .firetext, rawStatus: "7", detailCode: nil)
                let requests = await receiver.requests(waitingUpTo: .seconds(20)) { !$0.isEmpty }
                #expect(ContinuousClock.now - started < .seconds(15), "a first occurrence is alerted promptly, not after the cooldown")
                try #require(requests.count == 1)
                #expect(requests[0].target == "/services/T000/B000/secret-path-token?token=secret-query-token")
                let (text, time) = try Self.withoutTimestamp(try Self.text(of: requests[0]))
                #expect(text == """
                    :rotating_light: callback-gateway: *Firetext sent a status the mapping does not know:* `7`
                    Seen 1 time, at TIME, on this replica. Those receipts were stored as `unmapped` and their notifications left untouched.
                    What to do: add the status to the mapping file (`callback-gateway mappings show` prints the current one), restart the gateway, then re-drive the stored receipts with `callback-gateway replay --from-db unmapped --provider firetext`.
                    """)
                #expect(time >= before && time <= Date())
                #expect(await receiver.requests(after: .milliseconds(600)).count == 1, "one occurrence, one alert")
            }
        }
    }

    @Test func occurrencesWithinTheCooldownAreSummedIntoOneAlertAfterIt() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            let alerter = Self.alerter(receiver, cooldown: .seconds(2))
            try await Self.whileRunning(alerter) {
                alerter.unmappedStatus(provider: .mmg, rawStatus: "9", detailCode: "12")
                let first = await receiver.requests(waitingUpTo: .seconds(20)) { !$0.isEmpty }
                try #require(first.count == 1)
                #expect(try Self.text(of: first[0]).contains("`9` (latest detail code `12`)\nSeen 1 time"))

                let burstStarted = Date()
                for _ in 0..<10 { alerter.unmappedStatus(provider: .mmg, rawStatus: "9", detailCode: "13") }
                #expect(await receiver.requests(after: .milliseconds(600)).count == 1, "nothing more during the cooldown")

                let second = await receiver.requests(waitingUpTo: .seconds(20)) { $0.count >= 2 }
                try #require(second.count == 2)
                let (text, time) = try Self.withoutTimestamp(try Self.text(of: second[1]))
                #expect(text.hasPrefix(":rotating_light: callback-gateway: *MMG sent a status the mapping does not know:* `9` (latest detail code `13`)\n"))
                #expect(text.contains("Seen 10 times since TIME on this replica."))
                #expect(text.contains("`callback-gateway replay --from-db unmapped --provider mmg`"))
                #expect(time >= burstStarted.addingTimeInterval(-1) && time <= Date(), "since the first of the ten")

                #expect(await receiver.requests(after: .milliseconds(2600)).count == 2, "no occurrences, no alert")
            }
        }
    }

    @Test func differentStatusesAndProvidersAreAlertedSeparately() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            let alerter = Self.alerter(receiver)
            try await Self.whileRunning(alerter) {
                alerter.unmappedStatus(provider: .firetext, rawStatus: "5", detailCode: nil)
                alerter.unmappedStatus(provider: .firetext, rawStatus: "6", detailCode: nil)
                alerter.unmappedStatus(provider: .firetext, rawStatus: "5", detailCode: nil)
                alerter.unmappedStatus(provider: .ses, rawStatus: "Bounce", detailCode: "Sideways")
                let requests = await receiver.requests(waitingUpTo: .seconds(20)) { $0.count >= 3 }
                let texts = try requests.map { try Self.text(of: $0) }
                #expect(texts.count == 3)
                #expect(texts.contains { $0.contains("*Firetext sent a status the mapping does not know:* `5`\nSeen 2 times") })
                #expect(texts.contains { $0.contains("*Firetext sent a status the mapping does not know:* `6`\nSeen 1 time") })
                #expect(texts.contains { $0.contains("*SES sent a status the mapping does not know:* `Bounce` (latest detail code `Sideways`)") && $0.contains("--provider ses") })
                #expect(await receiver.requests(after: .milliseconds(600)).count == 3)
            }
        }
    }

    @Test func unknownDetailCodeIsAlertedAsAWarningNamingTheCode() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            let alerter = Self.alerter(receiver)
            try await Self.whileRunning(alerter) {
                alerter.unknownDetailCode(provider: .firetext, rawStatus: "1", detailCode: "999")
                alerter.unknownDetailCode(provider: .firetext, rawStatus: "1", detailCode: "999")
                alerter.unknownDetailCode(provider: .firetext, rawStatus: "1", detailCode: "998")
                let requests = await receiver.requests(waitingUpTo: .seconds(20)) { $0.count >= 2 }
                try #require(requests.count == 2, "keyed by code as well")
                let texts = try requests.map { try Self.withoutTimestamp(try Self.text(of: $0)).text }
                #expect(texts.contains("""
                    :warning: callback-gateway warning: *Firetext sent a detail code the mapping does not know:* code `999` with status `1`
                    Seen 2 times since TIME on this replica. Those receipts were classified by the status's own mapping (an unclassified `failure` in the default mapping) instead of by the code.
                    What to do: add the code to the mapping file (`callback-gateway mappings show` prints the current one) and restart the gateway. Receipts already applied keep the status they were given: a final status never changes.
                    """))
                #expect(texts.contains { $0.contains("code `998` with status `1`\nSeen 1 time, at TIME") })
            }
        }
    }

    // MARK: Failing webhooks

    @Test func aFailingWebhookIsLoggedAndRetriedAfterTheCooldownWithTheCountKept() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            receiver.answer(first: [.status(500)], then: .ok)
            let logs = CapturedLogs()
            let alerter = Self.alerter(receiver, cooldown: .seconds(2), logs: logs)
            try await Self.whileRunning(alerter) {
                alerter.unmappedStatus(provider: .firetext, rawStatus: "7", detailCode: nil)
                let failed = await receiver.requests(waitingUpTo: .seconds(20)) { !$0.isEmpty }
                try #require(failed.count == 1)
                #expect(failed[0].answeredWith == 500)
                let firstSeen = try Self.withoutTimestamp(try Self.text(of: failed[0])).time

                try Self.expectRequestPathUnaffected(alerter, provider: .firetext, rawStatus: "7")

                let warning = await Self.warning(in: logs, containing: "the webhook answered HTTP 500")
                let event = try #require(warning)
                #expect(event.metadata["webhook"] == "http://127.0.0.1:\(receiver.port)")
                #expect(event.metadata["raw_status"] == "7")
                #expect(event.metadata["occurrences"] == "1")
                Self.expectNoSecretsLogged(logs)

                let retried = await receiver.requests(waitingUpTo: .seconds(20)) { $0.count >= 2 }
                try #require(retried.count == 2)
                #expect(retried[1].answeredWith == 200)
                let (text, time) = try Self.withoutTimestamp(try Self.text(of: retried[1]))
                #expect(text.contains("`7`\nSeen 10001 times since TIME"), "the failed alert's occurrence and the 10 000 since")
                #expect(time == firstSeen, "since the first occurrence, which the failed alert did not deliver")
                #expect(await receiver.requests(after: .milliseconds(2600)).count == 2, "delivered occurrences are not sent again")
            }
        }
    }

    @Test func aStalledWebhookTimesOutIsLoggedAndRetriedAfterTheCooldown() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            receiver.answer(first: [.stall], then: .ok)
            let logs = CapturedLogs()
            let alerter = Self.alerter(receiver, cooldown: .seconds(2), timeout: .milliseconds(300), logs: logs)
            try await Self.whileRunning(alerter) {
                alerter.unknownDetailCode(provider: .firetext, rawStatus: "1", detailCode: "555")
                let stalled = await receiver.requests(waitingUpTo: .seconds(20)) { !$0.isEmpty }
                try #require(stalled.count == 1)
                #expect(stalled[0].answeredWith == nil)

                try Self.expectRequestPathUnaffected(alerter, provider: .firetext, rawStatus: "1", detailCode: "555")

                let waited = ContinuousClock.now
                let warning = await Self.warning(in: logs, containing: "no answer from the webhook within")
                #expect(warning != nil)
                // The stall never ends, so any bound shows the timeout decided; a wide one, for a loaded machine.
                #expect(ContinuousClock.now - waited < .seconds(10), "the timeout, not the stall, decides")
                Self.expectNoSecretsLogged(logs)

                let retried = await receiver.requests(waitingUpTo: .seconds(20)) { $0.contains { $0.answeredWith == 200 } }
                let delivered = retried.filter { $0.answeredWith == 200 }
                try #require(delivered.count == 1)
                #expect(try Self.text(of: delivered[0]).contains("code `555` with status `1`\nSeen 10001 times since"))
            }
        }
    }

    /// 10 000 occurrences while the webhook is failing or stalled: each call only counts, so they all return (a
    /// call that waited for the stalled webhook would never return, and the suite's time limit would fail it).
    private static func expectRequestPathUnaffected(
        _ alerter: UnmappedAlerter, provider: Provider, rawStatus: String, detailCode: String? = nil
    ) throws {
        for _ in 0..<10_000 {
            if let detailCode {
                alerter.unknownDetailCode(provider: provider, rawStatus: rawStatus, detailCode: detailCode)
            } else {
                alerter.unmappedStatus(provider: provider, rawStatus: rawStatus, detailCode: nil)
            }
        }
    }

    private static func warning(in logs: CapturedLogs, containing text: String) async -> CapturedLogs.Event? {
        await poll(upTo: .seconds(3)) { logs.all.first { $0.level == .warning && $0.line.contains(text) } }
    }

    private static func expectNoSecretsLogged(_ logs: CapturedLogs) {
        for event in logs.all {
            #expect(!event.line.contains("secret"), "the webhook URL's path and query stay out of the log: \(event.line)")
        }
    }

    // MARK: Untrusted values

    @Test func statusesCannotInjectSlackMarkup() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            let alerter = Self.alerter(receiver)
            try await Self.whileRunning(alerter) {
                alerter.unmappedStatus(provider: .mmg, rawStatus: "<!channel> @here <http://evil|click>", detailCode: nil)
                alerter.unmappedStatus(provider: .mmg, rawStatus: "<!here> <http://evil.example|click> `x` & co", detailCode: "<@U123>")
                alerter.unmappedStatus(provider: .mmg, rawStatus: "6\n*Seen 0 times*\u{202E}", detailCode: nil)
                alerter.unknownDetailCode(provider: .firetext, rawStatus: "1", detailCode: "<!everyone>")
                alerter.unmappedStatus(provider: .ses, rawStatus: String(repeating: "x", count: 10_000), detailCode: nil)
                let requests = await receiver.requests(waitingUpTo: .seconds(20)) { $0.count >= 5 }
                try #require(requests.count == 5)
                let texts = try requests.map { try Self.text(of: $0) }
                for text in texts {
                    #expect(!text.contains("<") && !text.contains(">") && !text.contains("@"), "\(text)")
                    #expect(text.split(separator: "\n").count == 3, "a value cannot add lines: \(text)")
                    #expect(text.count < 1200, "values are bounded")
                }
                // `@` anywhere means "could be an email address": the whole value is redacted.
                #expect(texts.contains { $0.contains("`[redacted]`") })
                #expect(texts.contains { $0.contains("`&lt;!here&gt; &lt;http://evil.example|click&gt; 'x' &amp; co`") })
                #expect(texts.contains { $0.contains("`6?*Seen 0 times*?`") })
                #expect(texts.contains { $0.contains("code `&lt;!everyone&gt;` with status `1`") })
                #expect(texts.contains { $0.contains("`" + String(repeating: "x", count: 64) + "…`") })
            }
        }
    }

    // MARK: Bounded memory

    @Test func statusesBeyondTheKeyLimitAreFoldedIntoOtherStatusesPerProvider() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            let alerter = Self.alerter(receiver, maximumKeys: 3)
            try await Self.whileRunning(alerter) {
                for index in 0..<10 {
                    alerter.unmappedStatus(provider: .mmg, rawStatus: "s\(index)", detailCode: nil)
                }
                alerter.unmappedStatus(provider: .firetext, rawStatus: "f", detailCode: nil)
                let requests = await receiver.requests(waitingUpTo: .seconds(20)) { $0.count >= 5 }
                let texts = try requests.map { try Self.text(of: $0) }
                #expect(texts.count == 5)
                #expect(texts.filter { $0.contains("*MMG sent a status the mapping does not know:*") }.count == 3)
                let other = try #require(texts.first { $0.contains("*MMG sent more statuses the mapping does not know* than this replica tracks one by one") })
                #expect(other.contains(", e.g. `s3`, `s4`, `s5`, `s6`, `s7`\nSeen 7 times since"), "\(other)")
                #expect(other.contains("--provider mmg"))
                #expect(texts.contains { $0.contains("*Firetext sent more statuses the mapping does not know*") && $0.contains("e.g. `f`\nSeen 1 time") })
            }
        }
    }

    @Test func idleKeysAreDroppedSoTheLimitIsPerCooldown() {
        var ledger = AlertLedger(cooldown: .milliseconds(100), maximumKeys: 2)
        let start = ContinuousClock.now
        for status in ["a", "b", "c"] {
            ledger.record(AlertKey(kind: .unmappedStatus, provider: .mmg, rawStatus: status, detailCode: nil), detailCode: nil, at: Date())
        }
        let due = ledger.takeDue(at: start)
        #expect(due.map { $0.key.rawStatus } .sorted { ($0 ?? "~") < ($1 ?? "~") } == ["a", "b", nil])
        for alert in due { ledger.delivered(alert) }
        ledger.prune(at: start.advanced(by: .milliseconds(50)))
        #expect(ledger.keyCount == 3, "cooling down: kept, so the cooldown holds")
        ledger.prune(at: start.advanced(by: .milliseconds(150)))
        #expect(ledger.keyCount == 0, "idle after the cooldown: dropped")
        ledger.record(AlertKey(kind: .unmappedStatus, provider: .mmg, rawStatus: "d", detailCode: nil), detailCode: nil, at: Date())
        #expect(ledger.takeDue(at: start.advanced(by: .milliseconds(150))).map(\.key.rawStatus) == ["d"], "a place is free again")
    }

    // MARK: Lifecycle

    @Test func runReturnsPromptlyWhenCancelledEvenWithASendInFlight() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            receiver.answer(.stall)
            let alerter = Self.alerter(receiver, timeout: .seconds(60))
            let running = Task { try await alerter.run() }
            alerter.unmappedStatus(provider: .firetext, rawStatus: "7", detailCode: nil)
            let stalled = await receiver.requests(waitingUpTo: .seconds(20)) { !$0.isEmpty }
            try #require(stalled.count == 1, "a POST is in flight")
            let cancelled = ContinuousClock.now
            running.cancel()
            try await running.value
            #expect(ContinuousClock.now - cancelled < .seconds(15))
        }
    }

    @Test func runReturnsPromptlyOnGracefulShutdown() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            receiver.answer(.stall)
            let alerter = Self.alerter(receiver, timeout: .seconds(60))
            let group = ServiceGroup(configuration: .init(services: [alerter], logger: Logger(label: "test")))
            let running = Task { try await group.run() }
            alerter.unmappedStatus(provider: .firetext, rawStatus: "7", detailCode: nil)
            _ = await receiver.requests(waitingUpTo: .seconds(20)) { !$0.isEmpty }
            let stopped = ContinuousClock.now
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(ContinuousClock.now - stopped < .seconds(15))
        }
    }

    @Test func runReturnsPromptlyWhenCancelledWhileIdle() async throws {
        let alerter = UnmappedAlerter(
            configuration: AlertConfiguration(webhookURL: URL(string: "http://127.0.0.1:9/")!),
            logger: CapturedLogs().logger()
        )
        let running = Task { try await alerter.run() }
        try await Task.sleep(for: .milliseconds(100))
        let cancelled = ContinuousClock.now
        running.cancel()
        try await running.value
        #expect(ContinuousClock.now - cancelled < .seconds(15))
    }

    // MARK: Sender

    @Test func webhookSenderReportsStatusTimeoutAndConnectionFailuresWithoutTheURL() async throws {
        try await WebhookReceiver.withReceiver { receiver in
            let sender = WebhookSender(url: receiver.url(), timeout: .milliseconds(300))
            try await sender.send(text: "hello \"world\" / ünïcode")
            #expect(receiver.bodies == [#"{"text":"hello \"world\" / ünïcode"}"#])

            receiver.answer(.status(503))
            await #expect(throws: AlertDeliveryError.status(503)) { try await sender.send(text: "x") }

            receiver.answer(.stall)
            let started = ContinuousClock.now
            await #expect(throws: AlertDeliveryError.timedOut(.milliseconds(300))) { try await sender.send(text: "x") }
            // Far below a stall (which never ends) yet loose enough for a machine busy with other work.
            #expect(ContinuousClock.now - started < .seconds(10))
        }
        let closed = WebhookSender(url: URL(string: "http://127.0.0.1:\(try FreePort.find())/secret?token=secret")!, timeout: .seconds(2))
        do {
            try await closed.send(text: "x")
            Issue.record("a closed port cannot accept an alert")
        } catch let error as AlertDeliveryError {
            guard case .transport = error else { Issue.record("expected a transport error, got \(error)"); return }
            #expect(!"\(error)".contains("secret"))
        }
    }

    // MARK: Configuration

    @Test(arguments: [
        ("900", Duration.seconds(900)), ("90s", .seconds(90)), ("15m", .seconds(900)), ("1h", .seconds(3600)),
        ("1h30m", .seconds(5400)), ("2m30s", .seconds(150)), ("1h0m5s", .seconds(3605)), (" 15M ", .seconds(900)),
        ("168h", .seconds(604_800)),
    ])
    func cooldownParsesSecondsAndUnits(text: String, expected: Duration) {
        #expect(AlertCooldown.parse(text) == expected)
    }

    @Test(arguments: [
        "", " ", "0", "0s", "0m0s", "-5", "-5m", "+5m", "1.5m", "5 m", "m", "15x", "15mm", "30m1h", "1h1h", "h30",
        "169h", "99999999999999999999", "1e3", "fifteen", "15 minutes", "1d",
    ])
    func cooldownRejectsAnythingElse(text: String) {
        #expect(AlertCooldown.parse(text) == nil)
    }

    @Test func webhookURLMustBeHTTPAndIsLoggedWithoutSecrets() throws {
        #expect(AlertWebhookURL.parse("https://hooks.slack.com/services/T0/B0/XYZ") != nil)
        #expect(AlertWebhookURL.parse("http://127.0.0.1:8080/hook") != nil)
        for bad in ["", "hooks.slack.com/services/x", "ftp://example.com/x", "file:///etc/passwd", "https://", "not a url"] {
            #expect(AlertWebhookURL.parse(bad) == nil, "\(bad)")
        }
        let url = try #require(AlertWebhookURL.parse("https://user:pass@hooks.slack.com:8443/services/T0/B0/XYZ?token=abc"))
        #expect(AlertWebhookURL.redacted(url) == "https://hooks.slack.com:8443")
    }
}
