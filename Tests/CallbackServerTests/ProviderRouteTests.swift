import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

/// Every provider of the registry on its route, with the fixtures' settings and without them: what start-up warns,
/// what a refusal answers, stores and counts, and the route's metric names, read as real UDP datagrams. A provider
/// added to the registry is checked here with no line of its own.
@Suite("Every provider's route")
struct ProviderRouteTests {
    static let providers = ProviderRegistry.units.map(\.provider.rawValue)

    @Test("without settings, start-up warns of every open or refusing route and names what to set; with the fixtures' settings, of no refusing one")
    func startUpWarnings() throws {
        let unset = try ProviderConfiguration.resolve([:])
        for unit in ProviderRegistry.units {
            let warnings = unset.warnings.filter { $0.contains(unit.displayName) }
            switch unit.authenticity {
            case .basicAuth(let setting):
                #expect(warnings.count == 1 && warnings[0].contains("open to anyone") && warnings[0].contains(setting.variable), "\(unit.displayName): \(warnings)")
            case .signature(let scheme):
                #expect(unset.authenticators[unit.provider] == nil)
                // What to set: the secrets, or for a check made from public keys (SendGrid's) its settings.
                let secrets = scheme.settings.filter(\.isSecret)
                let needed = (secrets.isEmpty ? scheme.settings : secrets).map(\.variable)
                #expect(!needed.isEmpty, "\(unit.displayName)'s check has no setting")
                #expect(warnings.count == 1 && warnings[0].contains("refused (403)") && needed.allSatisfy(warnings[0].contains), "\(unit.displayName): \(warnings)")
            case .snsSignature:
                #expect(warnings.isEmpty, "SNS's warnings come from its own settings")
            }
        }
        // The fixtures' settings configure every signed provider (Firetext and MMG, whose fixtures carry no
        // credentials, stay open).
        let configured = try ProviderConfiguration.resolve(SNSFixtures.providerSettings)
        #expect(!configured.warnings.contains { $0.contains("refused") }, "\(configured.warnings)")
    }

    @Test("refused without its secrets or credentials, and by its refusal fixtures: 401/403, nothing stored, callback.<provider>.rejected; accepted: its status and route metrics", arguments: providers)
    func route(name: String) async throws {
        let unit = try #require(ProviderRegistry.unit(named: name))
        let fixtures = try FixtureSet.receipts().filter { $0.fixture.provider == unit.provider }
        // The first receipt the fixtures expect to be applied (or a batch, whose events are): one that needs no
        // earlier fixture of a sequence.
        let accepted = try #require(fixtures.first { item in
            item.fixture.expectation?.httpStatus == 200 && ["applied", ReceiptFixture.Expectation.batch].contains(item.fixture.expectation?.outcome)
        }, "fixtures/\(name) has no receipt expected to be applied")
        // Refusals that stand alone (a replayed token needs the request before it).
        let refusals = fixtures.filter { item in
            [401, 403].contains(item.fixture.expectation?.httpStatus) && item.path.range(of: #"-\d+-of-\d+\.receipt$"#, options: .regularExpression) == nil
        }
        // Settings the accepted fixture does not satisfy: no secrets for a signed provider, credentials it does not
        // carry for a Basic-auth one. SNS's refusals have their own suite (SNSVerificationTests).
        let unsatisfied: [String: String]? = switch unit.authenticity {
        case .basicAuth(let setting): [setting.variable: "someone:else"]
        case .signature: [:]
        case .snsSignature: nil
        }

        try await UDPListener.withListener { listener in
            try await TestDatabase.with { database in
                try await FixtureSeeder(workers: database.workers).seed(FixtureSet.notifications(), receipts: fixtures.map(\.fixture))
                var expectedRejections = 0
                if let unsatisfied {
                    let harness = try Harness(database: database, providers: ProviderConfiguration.resolve(unsatisfied))
                    let status = try await MetricsTests.Metered(harness: harness, port: listener.port).test { client in
                        try await Self.post(accepted.fixture, through: client).0
                    }
                    #expect(status == (unsatisfied.isEmpty ? 403 : 401), "\(accepted.path) without its settings")
                    expectedRejections += 1
                }
                let harness = try Harness(database: database)
                let (refusalStatuses, acceptedAnswer) = try await MetricsTests.Metered(harness: harness, port: listener.port).test { client in
                    var statuses: [Int] = []
                    for refusal in refusals {
                        statuses.append(try await Self.post(refusal.fixture, through: client).0)
                    }
                    return (statuses, try await Self.post(accepted.fixture, through: client))
                }
                #expect(refusalStatuses == refusals.map { $0.fixture.expectation?.httpStatus ?? 0 }, "\(refusals.map(\.path))")
                expectedRejections += refusals.count
                #expect(try await database.count("callback_receipts") == (acceptedAnswer.1?.outcomes?.values.reduce(0, +) ?? 1),
                        "refusals store nothing; the accepted request its receipts")
                #expect(acceptedAnswer.0 == 200 && acceptedAnswer.1?.outcome == accepted.fixture.expectation?.outcome, "\(accepted.path)")

                let prefix = "notifications.api."
                let rejected = prefix + "callback.\(name).rejected"
                let endpoint = prefix + "POST.\(unit.metricRoute.module).\(unit.metricRoute.endpoint).200:1|c"
                let written = acceptedAnswer.1?.status.map { prefix + "callback.\(name).\($0):1|c" }
                let lines = await listener.lines(waitingUpTo: .seconds(20)) { lines in
                    Self.sum(of: rejected, in: lines) == expectedRejections && lines.contains(endpoint) && (written.map(lines.contains) ?? true)
                }
                #expect(Self.sum(of: rejected, in: lines) == expectedRejections, "\(lines.filter { $0.contains("rejected") })")
                #expect(lines.contains(endpoint), "\(lines.filter { $0.contains("POST.") })")
                if let written { #expect(lines.contains(written)) }
            }
        }
    }

    /// Posts a fixture as the provider would, returning the HTTP status and the decoded answer.
    static func post(_ fixture: ReceiptFixture, through client: some TestClientProtocol) async throws -> (Int, Answer?) {
        var headers = HTTPFields()
        for header in fixture.headers {
            headers.append(HTTPField(name: try #require(HTTPField.Name(header.name)), value: header.value))
        }
        let (status, answer) = try await client.post(CallbackRoutes.path(for: fixture.provider), fixture.body, contentType: fixture.contentType, headers: headers)
        return (status.code, answer)
    }

    /// The total of the counter lines `name:N|c`.
    static func sum(of name: String, in lines: [String]) -> Int {
        lines.reduce(0) { total, line in
            guard line.hasPrefix(name + ":"), line.hasSuffix("|c") else { return total }
            return total + (Int(line.dropFirst(name.count + 1).dropLast(2)) ?? 0)
        }
    }
}
