import ArgumentParser
import CallbackCore
import Foundation

/// `callback-gateway mappings`: show the table in force, or check a file before deploying it.
struct MappingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "Show the mapping table in force, or check a mapping file.",
        subcommands: [Show.self, Check.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the mapping table in force, in the file format (redirect it to a file to start your own)."
        )

        @Option(name: .long, help: ArgumentHelp("A mapping file to show instead of the default.", valueName: "file"))
        var mappings: String?

        func run() throws {
            let path = mappings ?? ProcessInfo.processInfo.environment["CALLBACK_MAPPINGS"]
            do {
                let table = try MappingsLoader.load(path: path)
                print("# mapping table in force: \(path ?? "the default (mappings/default.mappings)")")
                print(MappingFile.render(table), terminator: "")
            } catch {
                Failure.report("\(error)")
                throw Failure.configuration
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a mapping file; exits non-zero and lists every problem if it is not valid.")

        @Argument(help: ArgumentHelp("The mapping file to check.", valueName: "file"))
        var file: String

        func run() throws {
            do {
                let table = try MappingsLoader.load(path: file)
                print("\(file): \(table.entries.count) mappings, valid")
            } catch {
                Failure.report("\(error)")
                throw Failure.configuration
            }
        }
    }
}
