/// `docs/providers.md`, made from ``ProviderRegistry`` and the default mapping: what each provider needs, so that the
/// page changes with the providers (`callback-gateway providers --markdown` prints it; a test keeps the file equal).
public enum ProviderDocumentation {
    /// The page.
    public static func markdown(mappings: MappingTable) -> String {
        var lines = [
            "# Providers",
            "",
            "Every provider the gateway serves, from its registry (`Sources/CallbackCore/Providers`): the route to give it, how to",
            "point it here, how its requests are shown to be its own, its settings and its default mapping. This page is made",
            "by `callback-gateway providers --markdown` (a test keeps it equal): edit the providers, not the page.",
            "",
            "A refused request (a signature or credentials not accepted) stores nothing and is counted as",
            "`callback.<provider>.rejected`: 403, or 401 with Basic authentication. A signed provider without its secrets",
            "configured has every request refused (warned at start-up); a Basic-auth provider without credentials is open",
            "(warned). Settings are flags of `serve` and environment variables, the flag winning; lists are comma-separated",
            "so that a secret can be rotated without downtime. A mapped target `ignore` (opens, clicks, inbound messages) is",
            "stored and counted as `callback.<provider>.ignored`, never applied or alerted; a status the mapping does not know",
            "is `unmapped`, as for every provider.",
            "",
            "| provider | route | authenticity | settings |",
            "|---|---|---|---|",
        ]
        for unit in ProviderRegistry.units {
            let settings = unit.settings.map { "`\($0.variable)`" } + (unit.authenticity.isSNS ? ["`SNS_*`"] : [])
            lines.append("| [\(unit.displayName)](#\(anchor(unit.displayName))) | `POST \(unit.routePath)` | \(unit.authenticity.kind) | \(settings.joined(separator: ", ")) |")
        }
        for unit in ProviderRegistry.units {
            lines += ["", "## \(unit.displayName)", "", "`POST \(unit.routePath)`; metrics `POST.\(unit.metricRoute.module).\(unit.metricRoute.endpoint).<status>`.", ""]
            lines.append(unit.setup)
            lines += ["", "**Authenticity**: \(unit.authenticity.description)"]
            if !unit.settings.isEmpty {
                lines += ["", "| flag | variable | meaning |", "|---|---|---|"]
                for setting in unit.settings {
                    lines.append("| `\(setting.flag)` | `\(setting.variable)` | \(setting.help) |")
                }
            }
            let rows = mappings.entries.filter { $0.key.provider == unit.provider }
            lines += ["", "Default mapping (`mappings/default.mappings`, where each row's source is given):", "", "| status | detail | target |", "|---|---|---|"]
            for row in rows {
                lines.append("| `\(row.key.rawStatus)` | \(row.key.detailCode.map { "`\($0)`" } ?? "") | \(row.target.rawValue) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func anchor(_ heading: String) -> String {
        heading.lowercased().replacingOccurrences(of: " ", with: "-")
    }
}

extension Authenticity {
    /// A word or two for the summary table.
    public var kind: String {
        switch self {
        case .basicAuth: "Basic authentication"
        case .snsSignature: "SNS signature"
        case .signature: "signature"
        }
    }

    var isSNS: Bool {
        if case .snsSignature = self { return true }
        return false
    }

    /// A sentence for the provider's section.
    var description: String {
        switch self {
        case .basicAuth(let setting):
            "HTTP Basic authentication with one of the `user:password` pairs of `\(setting.variable)`; open (warned) without."
        case .snsSignature:
            "every SNS message's signature, against SNS's signing certificate (fetched from `sns.<region>.amazonaws.com`, or read from `SNS_CERTIFICATE_DIR`), from a topic in `SNS_TOPIC_ARNS`; see [security.md](security.md#who-gets-in)."
        case .signature(let scheme):
            scheme.summary + "."
        }
    }
}
