import CallbackCore
import FixtureSigning
import Foundation

// Re-signs the fixtures: `sign-fixtures [--key FILE] [--certificate-url URL] [PATH...]`, run from the project root
// by scripts/sign-fixtures (see FixtureResigner and SignFixturesCommand); or writes the benchmark's signed
// requests: `sign-fixtures bench-requests ...`, run by scripts/bench (see BenchRequestsCommand).
var arguments = Array(CommandLine.arguments.dropFirst())
do {
    if arguments.first == "bench-requests" {
        arguments.removeFirst()
        print(try BenchRequestsCommand(arguments: arguments).run())
        exit(0)
    }
    let command = try SignFixturesCommand(arguments: arguments)
    let report = try command.run()
    print(report.summary)
    exit(report.failures.isEmpty ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("sign-fixtures: \(error)\n".utf8))
    exit(64)
}
