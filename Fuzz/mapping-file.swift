// Fuzz target: MappingFile.parse and MappingFile.render. Built and run by scripts/fuzz.
//
// Invariants: a file that parses renders to a file that parses to the same table, and renders again to the same
// text; every line of the table maps to its own target; a refused file lists problems in line order, each on a
// line of the file, one per line of the description.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let table: MappingTable
    do throws(MappingFileError) {
        table = try MappingFile.parse(text, file: "fuzz.mappings")
    } catch {
        checkRefusal(error, of: text)
        return 0
    }
    checkTable(table)

    let rendered = MappingFile.render(table)
    let again: MappingTable
    do throws(MappingFileError) {
        again = try MappingFile.parse(rendered, file: "rendered.mappings")
    } catch {
        violated("the rendered table does not parse: \(error.description)\n--- rendered:\n\(rendered)")
    }
    require(rows(of: again) == rows(of: table), "the rendered table parses to another table\n--- rendered:\n\(rendered)\n--- got: \(show(rows(of: again)))\n--- want: \(show(rows(of: table)))")
    require(MappingFile.render(again) == rendered, "rendering is not stable\n--- first:\n\(rendered)\n--- second:\n\(MappingFile.render(again))")
    return 0
}

/// Whether the words of a key stay separate Characters next to the spaces and quotes that render puts around them.
/// A table's meaning, without the line numbers it came from.
private func rows(of table: MappingTable) -> [MappingKey: MappingTarget] {
    Dictionary(table.entries.map { ($0.key, $0.target) }, uniquingKeysWith: { first, _ in first })
}

private func checkTable(_ table: MappingTable) {
    require(!table.entries.isEmpty, "a table with no entries parsed")
    require(rows(of: table).count == table.entries.count, "a key is in the table twice")
    for entry in table.entries {
        let key = entry.key
        let result = table.map(provider: key.provider, rawStatus: key.rawStatus, detailCode: key.detailCode)
        require(result.target == entry.target, "\(MappingFile.describe(key)) maps to \(show(result.target)), not \(entry.target)")
        if key.detailCode != nil {
            require(result.unknownDetailCode == nil, "\(MappingFile.describe(key)): its own detail is reported unknown")
        }
    }
    for (left, right) in zip(table.entries, table.entries.dropFirst()) {
        require(!(right.key < left.key), "entries are not in order: \(show(left.key)) before \(show(right.key))")
    }
}

private func checkRefusal(_ error: MappingFileError, of text: String) {
    let lineCount = max(1, text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count)
    require(!error.problems.isEmpty, "a refusal with no problems")
    require(error.file == "fuzz.mappings", "the refusal names \(show(error.file))")
    for problem in error.problems {
        require((1...lineCount).contains(problem.line), "a problem on line \(problem.line) of \(lineCount)")
        require(!problem.message.isEmpty, "an empty problem on line \(problem.line)")
    }
    for (left, right) in zip(error.problems, error.problems.dropFirst()) {
        require(left.line < right.line, "problems not in line order (or two on one line): \(left.line), \(right.line)")
    }
    let description = error.description
    require(description.split(separator: "\n", omittingEmptySubsequences: false).count == error.problems.count,
            "the description is not one line per problem:\n\(description)")
    for line in description.split(separator: "\n") {
        require(line.hasPrefix("fuzz.mappings:"), "a description line without file:line: \(show(line))")
    }
}
