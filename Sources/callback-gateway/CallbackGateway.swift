import ArgumentParser

/// The `callback-gateway` command: the service and the tools that go with it.
@main
struct CallbackGateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callback-gateway",
        abstract: "Receives delivery receipts from SMS and email providers and applies them to notifications.",
        subcommands: [ServeCommand.self, MigrateCommand.self, MappingsCommand.self, ReplayCommand.self, UnmappedCommand.self, ProvidersCommand.self,
                      JobsCommand.self, StatsCommand.self, KeysCommand.self],
        defaultSubcommand: nil
    )
}
