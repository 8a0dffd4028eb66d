import ArgumentParser
import CallbackCore

/// `callback-gateway providers`: the providers the gateway serves, their routes and settings; with `--markdown`,
/// the page `docs/providers.md` is made of.
struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "List the providers: routes, authenticity and settings (--markdown: the providers documentation page)."
    )

    @Flag(help: "Print docs/providers.md: every provider's setup, authenticity, settings and default mapping.")
    var markdown = false

    func run() throws {
        if markdown {
            print(ProviderDocumentation.markdown(mappings: try DefaultMappings.table()), terminator: "")
            return
        }
        var table = TextTable(columns: ["provider", "route", "authenticity", "settings"])
        for unit in ProviderRegistry.units {
            table.add([unit.provider.rawValue, "POST " + unit.routePath, unit.authenticity.kind, unit.settings.map(\.variable).joined(separator: " ")])
        }
        print(table.render(), terminator: "")
    }
}
