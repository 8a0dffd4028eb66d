import ArgumentParser

/// `callback-gateway jobs`: the housekeeping jobs, by hand.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Run the housekeeping jobs (timeout, retention) by hand.",
        subcommands: [JobsRunCommand.self]
    )
}
