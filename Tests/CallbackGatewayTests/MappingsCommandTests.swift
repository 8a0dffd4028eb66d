import CallbackCore
import Foundation
import Testing
import TestSupport

@Suite("callback-gateway mappings")
struct MappingsCommandTests {
    @Test("show prints the default table in the file format")
    func show() async throws {
        let output = try await Gateway.run(["mappings", "show"], environment: [:])
        #expect(output.status == 0)
        let rows = output.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: " ").joined(separator: " ") }
        #expect(rows.count == (try DefaultMappings.table()).entries.count)
        #expect(rows.contains("firetext 1 101 -> permanent-failure"))
        #expect(rows.contains("ses Bounce Undetermined -> temporary-failure"))
        #expect(rows.contains("mmg 4 -> temporary-failure"))
    }

    @Test("check accepts a valid file")
    func checkValid() async throws {
        let file = try TemporaryFile(contents: "mmg 3 -> delivered\nmmg 7 -> pending\n")
        let output = try await Gateway.run(["mappings", "check", file.path], environment: [:])
        #expect(output.status == 0)
        #expect(output.standardOutput.contains("2 mappings, valid"))
    }

    @Test("each mapping-file error gives its message and a non-zero exit", arguments: [
        ("firetext 0 -> delivred\n", ":1: unknown target status \"delivred\""),
        ("firetext 0 -> delivered\nfiretext 0 -> pending\n", ":2: firetext status \"0\" is mapped twice (first on line 1)"),
        ("firetext 0 delivered\n", ":1: expected `provider status [detail] -> target`"),
        ("ses \"Bounce -> delivered\n", ":1: a double quote is not closed"),
    ])
    func checkInvalid(contents: String, expected: String) async throws {
        let file = try TemporaryFile(contents: contents)
        let output = try await Gateway.run(["mappings", "check", file.path], environment: [:])
        #expect(output.status != 0)
        #expect(output.standardError.contains(file.path + expected))
    }

    @Test("serve refuses to start with an invalid mapping file, naming it")
    func serveRefuses() async throws {
        let file = try TemporaryFile(contents: "mmg 3 -> nowhere\n")
        let output = try await Gateway.run(["serve"], environment: ["CALLBACK_MAPPINGS": file.path, "DATABASE_URL": "postgresql://127.0.0.1:1/none"])
        #expect(output.status == 78)
        #expect(output.standardError.contains(file.path + ":1: unknown target status \"nowhere\""))
    }

    @Test("a mapping file that cannot be read is named, with the reason")
    func missingFile() async throws {
        let output = try await Gateway.run(["mappings", "check", "/nonexistent/ops.mappings"], environment: [:])
        #expect(output.status != 0)
        #expect(output.standardError.contains("cannot read the mapping file \"/nonexistent/ops.mappings\""))
    }
}
