import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What README.md tells a newcomer to run, run as written: the commands of "Try it" and "Fixtures and replay" are
/// read from the README itself, so when the manual changes, this test changes with it.
@Suite("README: the newcomer's path")
struct NewcomerPathTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("scripts/run serves; every command of Try it and of Fixtures and replay exits 0 with the answers it promises")
    func readmeCommands() async throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let commands = ReadmeCommands.shellCommands(in: readme, sections: ["Try it", "Fixtures and replay"])
            .filter { !$0.hasPrefix("scripts/run") }
        let curls = commands.filter { $0.hasPrefix("curl ") }
        let replays = commands.filter { $0.hasPrefix(".build/release/callback-gateway replay") }
        try #require(curls.count >= 2, "Try it shows curl examples: \(commands)")
        for flag in ["--seed", "--concurrency", "--rate", "--json"] {
            try #require(replays.contains { $0.contains(flag) }, "the README shows replay \(flag): \(replays)")
        }
        #expect(curls.count + replays.count == commands.count, "every command is one the test knows how to check: \(commands)")

        try await TestDatabase.with { database in
            let gateway = try await ScriptsRun.start(database: database)
            defer { gateway.kill() }
            for command in commands {
                let runnable = command
                    .replacingOccurrences(of: "localhost:6011", with: "127.0.0.1:\(gateway.port)")
                    .replacingOccurrences(of: ".build/release/callback-gateway", with: try Gateway.executable)
                let output = try await Command.run("/bin/bash", ["-c", runnable], environment: [
                    "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                    "DATABASE_URL": database.url,
                    "CALLBACK_GATEWAY_URL": "http://127.0.0.1:\(gateway.port)",
                ])
                #expect(output.status == 0, "\(command)\n\(output.standardError)")
                if command.hasPrefix("curl ") {
                    #expect(output.standardOutput.contains(#""result":"success""#), "\(command) answered \(output.standardOutput)")
                } else {
                    try Self.checkReplay(command, output.standardOutput)
                }
            }
            #expect(await gateway.stop() == 0, "scripts/run stops the gateway and exits 0 on SIGTERM")
        }
    }

    /// A replay's summary accounts for every fixture it was given: the table's rows add up to its total, or the
    /// JSON lists one answer per fixture with no unexpected rejection.
    static func checkReplay(_ command: String, _ output: String) throws {
        let path = try #require(command.split(separator: " ").last.map(String.init))
        let fixtures = try Self.fixtureCount(at: path)
        if command.contains("--json") {
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(command): \(output)")
            #expect((summary["receipts"] as? [Any])?.count == fixtures, "\(command)")
            #expect(summary["unexpected_rejections"] as? Int == 0, "\(command)")
            #expect(summary["expectation_mismatches"] as? Int == 0, "\(command)")
        } else {
            let rows = output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            let total = try #require(rows.first { $0.first == "total" }.flatMap { $0.last.flatMap(Int.init) }, "\(command): \(output)")
            let counted = rows.dropFirst().filter { $0.first != "total" }.compactMap { $0.last.flatMap(Int.init) }.reduce(0, +)
            #expect(total == fixtures, "\(command): \(output)")
            #expect(counted == total, "\(command): \(output)")
        }
    }

    static func fixtureCount(at path: String) throws -> Int {
        let url = Self.root.appendingPathComponent(path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return 0 }
        guard isFolder.boolValue else { return 1 }
        return try FileManager.default.subpathsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".receipt") }.count
    }
}

/// The shell commands of a README's sections: the lines of their `sh` code blocks, with continuation lines joined
/// and comments dropped.
enum ReadmeCommands {
    static func shellCommands(in readme: String, sections: [String]) -> [String] {
        var commands: [String] = []
        var inSection = false
        var inBlock = false
        var pending = ""
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("#"), !inBlock {
                let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                inSection = sections.contains(title)
                continue
            }
            if line.hasPrefix("```") {
                inBlock = inSection && !inBlock && line == "```sh"
                continue
            }
            guard inBlock else { continue }
            var text = line
            if let comment = text.range(of: " #") ?? (text.hasPrefix("#") ? text.startIndex..<text.endIndex : nil) {
                text = String(text[..<comment.lowerBound])
            }
            text = text.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("\\") {
                pending += text.dropLast() + " "
                continue
            }
            let command = (pending + text).trimmingCharacters(in: .whitespaces)
            pending = ""
            if !command.isEmpty { commands.append(command) }
        }
        return commands
    }
}

/// The gateway as a newcomer starts it: `scripts/run`, here on a test database and a free port, running the binary
/// under test (`CALLBACK_GATEWAY_EXECUTABLE`) with the local demo's trust in the fixtures' SNS test key.
struct ScriptsRun {
    let process: RunningProcess
    let port: Int

    static func start(database: TestDatabase) async throws -> ScriptsRun {
        let port = try FreePort.find()
        var environment = SNSFixtures.gatewayEnvironment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        environment["DATABASE_URL"] = database.url
        environment["PORT"] = String(port)
        environment["HOST"] = "127.0.0.1"
        environment["JOBS"] = "off"
        environment["CALLBACK_GATEWAY_EXECUTABLE"] = try Gateway.executable
        let script = NewcomerPathTests.root.appendingPathComponent("scripts/run").path
        let process = try Command.start(script, [], environment: environment)
        let running = ScriptsRun(process: process, port: port)
        for _ in 0..<300 {
            if await running.isServing() { return running }
            try await Task.sleep(for: .milliseconds(100))
        }
        running.kill()
        throw TestSetupError("scripts/run did not serve /_status within 30 s: \(process.standardError)")
    }

    func isServing() async -> Bool {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/_status")!)
        request.timeoutInterval = 2
        let response = try? await URLSession.shared.data(for: request).1
        return (response as? HTTPURLResponse)?.statusCode == 200
    }

    /// SIGTERM to the script, which passes it on to the gateway and exits with the gateway's status.
    func stop() async -> Int32 {
        process.signal(SIGTERM)
        return await process.exit()
    }

    func kill() {
        process.signal(SIGTERM)
    }
}
