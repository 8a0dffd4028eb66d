import CallbackCore
import Testing

@Suite("Mapping file")
struct MappingFileTests {
    @Test("comments, blank lines, quotes and tabs")
    func format() throws {
        let table = try MappingFile.parse("""
            # a comment
            firetext\t0\t->\tdelivered   # trailing comment

            ses "Bounce" "Odd Type" -> temporary-failure
            """, file: "m.txt")
        #expect(table.map(provider: .firetext, rawStatus: "0", detailCode: nil).target == .delivered)
        #expect(table.map(provider: .ses, rawStatus: "Bounce", detailCode: "Odd Type").target == .temporaryFailure)
    }

    @Test("a file saved with CRLF line ends reads like the same file with LF, line numbers included")
    func crlf() throws {
        let table = try MappingFile.parse("# ops\r\nmmg 3 -> delivered\r\n\r\nmmg 4 -> pending\r\n", file: "crlf")
        #expect(table.map(provider: .mmg, rawStatus: "4", detailCode: nil).target == .pending)
        let error = #expect(throws: MappingFileError.self) { try MappingFile.parse("mmg 3 -> delivered\r\nmmg 4 -> nowhere\r\n", file: "f") }
        #expect(error?.problems.map(\.line) == [2])
    }

    @Test("an unknown target names the file, the line and the choices")
    func unknownTarget() {
        let error = #expect(throws: MappingFileError.self) {
            try MappingFile.parse("firetext 0 -> delivered\nfiretext 1 -> deliverd\n", file: "ops.mappings")
        }
        #expect(error?.description == "ops.mappings:2: unknown target status \"deliverd\"; use one of delivered, pending, temporary-failure, permanent-failure, technical-failure, failure, complaint, ignore")
    }

    @Test("a duplicate key names both lines")
    func duplicate() {
        let error = #expect(throws: MappingFileError.self) {
            try MappingFile.parse("mmg 3 -> delivered\nmmg 4 -> temporary-failure\nmmg 3 -> pending\n", file: "f")
        }
        #expect(error?.description == "f:3: mmg status \"3\" is mapped twice (first on line 1); keep one of the two lines")
    }

    @Test("syntax errors: wrong shape, missing arrow, open quote, unknown provider; all listed")
    func syntax() {
        let error = #expect(throws: MappingFileError.self) {
            try MappingFile.parse("firetext 0 delivered\nfiretext 0 1 2 -> delivered\nses \"Bounce -> delivered\nfyretext 0 -> delivered\n", file: "bad")
        }
        #expect(error?.problems.map(\.line) == [1, 2, 3, 4])
        #expect(error?.description.contains("bad:1: expected `provider status [detail] -> target`, found 3 words") == true)
        #expect(error?.description.contains("bad:3: a double quote is not closed") == true)
        #expect(error?.description.contains("bad:4: unknown provider \"fyretext\"; use one of firetext, mmg, ses") == true)
    }

    @Test("a file with no mappings is refused")
    func empty() {
        #expect(throws: MappingFileError.self) { try MappingFile.parse("# nothing\n\n", file: "empty") }
    }

    @Test("render gives a file that parses back to the same table")
    func roundTrip() throws {
        let table = try DefaultMappings.table()
        let again = try MappingFile.parse(MappingFile.render(table), file: "rendered")
        #expect(again.entries.map(\.key) == table.entries.map(\.key))
        #expect(again.entries.map(\.target) == table.entries.map(\.target))
    }

    @Test("a status ending in a Unicode prepend character renders to a file that reads back the same status")
    func prependCharacter() throws {
        // U+0600 joins a following space into one Character; words are split by scalar, so it stays a separator.
        let table = try MappingFile.parse("firetext x\u{0600}\t-> delivered\nmmg \"a \u{0301}b\" -> permanent-failure\n", file: "exotic")
        #expect(table.entries.map(\.key.rawStatus) == ["x\u{0600}", "a \u{0301}b"])
        let again = try MappingFile.parse(MappingFile.render(table), file: "rendered")
        #expect(again.entries.map(\.key) == table.entries.map(\.key))
        #expect(again.entries.map(\.target) == table.entries.map(\.target))
    }
}
