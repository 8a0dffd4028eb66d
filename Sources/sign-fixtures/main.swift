import CallbackCore
import FixtureSigning
import Foundation

// Re-signs the SES fixtures: `sign-fixtures [--key FILE] [--certificate-url URL] [PATH...]`, run from the project
// root by scripts/sign-fixtures. See FixtureResigner for what it changes and SignFixturesCommand for the options.
do {
    let command = try SignFixturesCommand(arguments: Array(CommandLine.arguments.dropFirst()))
    let report = try command.run()
    print(report.summary)
    exit(report.failures.isEmpty ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("sign-fixtures: \(error)\n".utf8))
    exit(64)
}
