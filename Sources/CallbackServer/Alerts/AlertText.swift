import Foundation

/// The words of an alert: what happened, how often and since when, what it did to the receipts, and what to do.
///
/// Slack `mrkdwn`: every value from a request is in a code span and has gone through ``SlackSafe``, so it is shown
/// as written and cannot mention anyone or make a link. The text never uses `<`, `>` or `@` itself.
enum AlertText {
    /// The text of `alert`.
    static func text(for alert: DueAlert) -> String {
        [headline(alert), seen(alert) + " " + effect(alert.key.kind), remedy(alert)].joined(separator: "\n")
    }

    private static func headline(_ alert: DueAlert) -> String {
        let provider = alert.key.provider.displayName
        let examples = alert.examples.map { "`\(SlackSafe.value($0))`" }.joined(separator: ", ")
        let example = examples.isEmpty ? "" : ", e.g. \(examples)"
        switch (alert.key.kind, alert.key.rawStatus) {
        case (.unmappedStatus, let status?):
            let code = alert.detailCode.map { " (latest detail code `\(SlackSafe.value($0))`)" } ?? ""
            return ":rotating_light: callback-gateway: *\(provider) sent a status the mapping does not know:* "
                + "`\(SlackSafe.value(status))`\(code)"
        case (.unmappedStatus, nil):
            return ":rotating_light: callback-gateway: *\(provider) sent more statuses the mapping does not know* "
                + "than this replica tracks one by one\(example)"
        case (.unknownDetailCode, let status?):
            return ":warning: callback-gateway warning: *\(provider) sent a detail code the mapping does not know:* "
                + "code `\(SlackSafe.value(alert.key.detailCode ?? ""))` with status `\(SlackSafe.value(status))`"
        case (.unknownDetailCode, nil):
            return ":warning: callback-gateway warning: *\(provider) sent more detail codes the mapping does not know* "
                + "than this replica tracks one by one\(example)"
        }
    }

    /// How many occurrences this alert reports and when the first arrived; per replica, because each replica
    /// counts (and alerts) on its own.
    private static func seen(_ alert: DueAlert) -> String {
        let when = alert.firstSeen.formatted(.iso8601)
        return alert.count == 1
            ? "Seen 1 time, at \(when), on this replica."
            : "Seen \(alert.count) times since \(when) on this replica."
    }

    private static func effect(_ kind: AlertKind) -> String {
        switch kind {
        case .unmappedStatus:
            "Those receipts were stored as `unmapped` and their notifications left untouched."
        case .unknownDetailCode:
            "Those receipts were classified by the status's own mapping (an unclassified `failure` in the default "
                + "mapping) instead of by the code."
        }
    }

    private static func remedy(_ alert: DueAlert) -> String {
        let show = "(`callback-gateway mappings show` prints the current one)"
        switch (alert.key.kind, alert.key.isOtherStatuses) {
        case (.unmappedStatus, false):
            return "What to do: add the status to the mapping file \(show), restart the gateway, then re-drive the "
                + "stored receipts with `callback-gateway replay --from-db unmapped --provider \(alert.key.provider.rawValue)`."
        case (.unmappedStatus, true):
            return "What to do: find the statuses in the error log (each unmapped receipt is logged with its raw status), "
                + "add them to the mapping file \(show), restart the gateway, then re-drive the stored receipts with "
                + "`callback-gateway replay --from-db unmapped --provider \(alert.key.provider.rawValue)`."
        case (.unknownDetailCode, false):
            return "What to do: add the code to the mapping file \(show) and restart the gateway. Receipts already "
                + "applied keep the status they were given: a final status never changes."
        case (.unknownDetailCode, true):
            return "What to do: find the codes in the warning log, add them to the mapping file \(show) and restart "
                + "the gateway. Receipts already applied keep the status they were given: a final status never changes."
        }
    }
}
