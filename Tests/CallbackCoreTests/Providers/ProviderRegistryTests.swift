import CallbackCore
import Foundation
import Testing

/// The registry is the one list of providers: names, routes, settings and the documentation page all follow it.
@Suite("Provider registry")
struct ProviderRegistryTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("docs/providers.md is the page the registry and the default mapping make (callback-gateway providers --markdown)")
    func documentation() throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/providers.md"), encoding: .utf8)
        let made = ProviderDocumentation.markdown(mappings: try DefaultMappings.table())
        #expect(page == made, "docs/providers.md is out of date: run callback-gateway providers --markdown > docs/providers.md")
    }

    @Test("names, routes, metric names and setting variables are unique; every name reads back as its provider")
    func unique() {
        let units = ProviderRegistry.units
        #expect(Set(units.map(\.provider)).count == units.count)
        #expect(Set(units.map(\.routePath)).count == units.count)
        #expect(Set(units.map { "\($0.metricRoute.module).\($0.metricRoute.endpoint)" }).count == units.count)
        let variables = units.flatMap(\.settings).map(\.variable)
        #expect(Set(variables).count == variables.count)
        for unit in units {
            #expect(Provider(rawValue: unit.provider.rawValue) == unit.provider)
            #expect(unit.provider.displayName == unit.displayName)
            #expect(unit.adapter.provider == unit.provider)
            #expect(unit.routePath == "/notifications/\(unit.channel.rawValue)/\(unit.provider.rawValue)")
            for setting in unit.settings {
                #expect(setting.flag == "--" + setting.variable.lowercased().replacingOccurrences(of: "_", with: "-"))
            }
        }
        #expect(Provider(rawValue: "acme") == nil)
    }

    @Test("the routes GOV.UK Notify gave its providers stay where they were")
    func notifyRoutes() {
        #expect(ProviderRegistry.unit(for: .firetext)?.routePath == "/notifications/sms/firetext")
        #expect(ProviderRegistry.unit(for: .mmg)?.routePath == "/notifications/sms/mmg")
        #expect(ProviderRegistry.unit(for: .ses)?.routePath == "/notifications/email/ses")
    }
}
