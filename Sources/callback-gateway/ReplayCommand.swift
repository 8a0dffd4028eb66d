import ArgumentParser
import CallbackCore
import CallbackServer
import CallbackStore
import Foundation

/// `callback-gateway replay`: sends fixture receipts to a running gateway, shows what it would do with them
/// (`--dry-run`), or re-drives stored receipts (`--from-db`).
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay fixture receipts to a gateway, or re-drive stored receipts.",
        discussion: """
            replay fixtures/                      send every .receipt under fixtures/ in file order
            replay --seed fixtures/               load fixtures/notifications.json first (DATABASE_URL)
            replay --dry-run fixtures/firetext    parse and map locally; no server, no database
            replay --from-db unmapped --provider mmg   re-apply stored unmapped receipts with today's mapping
            Exit status: 0 when every receipt was answered 200 (or as its expect: line says), 1 when one was \
            rejected otherwise, 2 when the gateway could not be reached.
            """
    )

    @Argument(help: ArgumentHelp("Fixture files, folders or glob patterns.", valueName: "path"))
    var paths: [String] = []

    @Option(help: ArgumentHelp("The gateway's base URL. Env: CALLBACK_GATEWAY_URL.", valueName: "url"))
    var to: String?

    @Option(help: ArgumentHelp("Receipts in flight at once (1 keeps file order strictly). Default 1.", valueName: "n"))
    var concurrency: Int = 1

    @Option(help: ArgumentHelp("At most this many receipts per second.", valueName: "r"))
    var rate: Double?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(name: .customLong("dry-run"), help: "Parse and map each fixture locally and show what the rules would write.")
    var dryRun = false

    @Flag(help: "Load the fixtures' notifications.json into the database first, replacing earlier copies.")
    var seed = false

    @Option(help: ArgumentHelp("The notifications file for --seed. Default: notifications.json beside the fixtures.", valueName: "file"))
    var notifications: String?

    @Option(name: .customLong("from-db"), help: ArgumentHelp("Re-drive stored receipts with this outcome: unmapped, waiting or orphaned.", valueName: "outcome"))
    var fromDB: String?

    @Option(help: ArgumentHelp("With --from-db: only this provider's receipts.", valueName: "provider"))
    var provider: String?

    @Option(help: ArgumentHelp("With --from-db: only receipts received at or after this time (2026-11-29 or 2026-11-29T10:00:00Z).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Mapping file for --dry-run and --from-db. Env: CALLBACK_MAPPINGS.", valueName: "file"))
    var mappings: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        do {
            if let fromDB {
                try await redrive(fromDB)
            } else {
                try await replay()
            }
        } catch let error as ConfigurationError {
            Failure.report(error.description)
            throw Failure.configuration
        }
    }

    private func interpreter() throws -> ReceiptInterpreter {
        let path = mappings ?? ProcessInfo.processInfo.environment["CALLBACK_MAPPINGS"]
        return ReceiptInterpreter(mappings: try MappingsLoader.load(path: path), adapters: ReceiptInterpreter.standardAdapters)
    }

    private func replay() async throws {
        guard !paths.isEmpty else { throw ConfigurationError("give fixture files or folders to replay (e.g. fixtures/), or --from-db") }
        guard (1...256).contains(concurrency) else { throw ConfigurationError("--concurrency is \(concurrency); give a whole number from 1 to 256") }
        if let rate, !(0.001...100_000).contains(rate) {
            throw ConfigurationError("--rate is \(rate); give receipts per second from 0.001 to 100000")
        }
        let fixtures = try FixtureSet.load(paths)
        if dryRun {
            print(DryRun(interpreter: try interpreter()).table(for: fixtures), terminator: "")
            return
        }
        if seed { try await seedNotifications(for: fixtures) }
        let base = try gatewayURL()
        let sender = ReplaySender(base: base)
        let progress = ReplayProgress(total: fixtures.entries.count)
        let results: [ReplayResult]
        do {
            results = try await ReplayRun(sender: sender, concurrency: concurrency, rate: rate).send(fixtures.entries) { progress.record($0) }
        } catch {
            Failure.report(error.description)
            throw ExitCode(2)
        }
        let summary = ReplaySummary(target: base.absoluteString, results: results)
        if json {
            print(String(decoding: try summary.json(), as: UTF8.self))
        } else {
            print(summary.table(), terminator: "")
        }
        if !summary.unexpectedRejections.isEmpty { throw ExitCode(1) }
    }

    private func gatewayURL() throws -> URL {
        let text = to ?? ProcessInfo.processInfo.environment["CALLBACK_GATEWAY_URL"] ?? "http://127.0.0.1:6011"
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigurationError("--to is \"\(text)\"; give the gateway's base URL, such as http://127.0.0.1:6011")
        }
        return url
    }

    private func seedNotifications(for fixtures: FixtureSet) async throws {
        guard let file = notifications ?? FixtureSet.notificationsFile(for: paths) else {
            throw ConfigurationError("--seed found no notifications.json beside \(paths.joined(separator: " ")); pass --notifications FILE")
        }
        let list: [FixtureNotification]
        do {
            list = try FixtureNotification.decodeList(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw ConfigurationError("cannot read \(file) as a list of notifications (\(error)); see fixtures/README.md for its shape")
        }
        // A demo may start on an empty database: seeding creates the schema first.
        let seeded = try await Database.withWorkers(database, migrate: true) { workers in
            try await FixtureSeeder(workers: workers).seed(list, receipts: fixtures.entries.map(\.fixture))
        }
        FileHandle.standardError.write(Data("seeded \(seeded) notifications from \(file)\n".utf8))
    }

    private func redrive(_ outcomeText: String) async throws {
        guard let outcome = ReceiptOutcome(rawValue: outcomeText), [.unmapped, .waiting, .orphaned].contains(outcome) else {
            throw ConfigurationError("--from-db is \"\(outcomeText)\"; use unmapped, waiting or orphaned")
        }
        guard paths.isEmpty, !dryRun, !seed else {
            throw ConfigurationError("--from-db re-drives stored receipts; it takes no fixture paths, --dry-run or --seed")
        }
        var chosenProvider: Provider?
        if let provider {
            guard let known = Provider(rawValue: provider) else {
                throw ConfigurationError("--provider is \"\(provider)\"; use one of \(ProviderRegistry.names)")
            }
            chosenProvider = known
        }
        let selection = RedriveSelection(outcome: outcome, provider: chosenProvider, since: try since.map(Self.parseSince))
        let redrive = Redrive(selection: selection, interpreter: try interpreter())
        let tally = try await Database.withWorkers(database) { workers in try await redrive.run(on: workers) }
        if json {
            print(String(decoding: try redrive.json(tally), as: UTF8.self))
        } else {
            print(redrive.table(tally), terminator: "")
        }
    }

    /// `2026-11-29` (midnight UTC) or an ISO 8601 time with an offset or `Z`.
    static func parseSince(_ text: String) throws -> Date {
        if let date = try? Date(text + "T00:00:00Z", strategy: .iso8601), text.count == 10 { return date }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        throw ConfigurationError("--since is \"\(text)\"; give a date (2026-11-29) or a UTC time (2026-11-29T10:00:00Z)")
    }
}
