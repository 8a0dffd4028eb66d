/// Reads and writes the mapping file format:
///
/// ```
/// # provider  status  [detail]  ->  target
/// firetext    1       101       ->  permanent-failure
/// ses         Delivery          ->  delivered
/// ```
///
/// Words are separated by spaces or tabs; a word with spaces goes in double quotes; `#` starts a comment.
public enum MappingFile {
    /// Parses a mapping file.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the name to use in error messages (the path the operator gave).
    /// - Throws: ``MappingFileError`` listing every problem: a line that is not `provider status [detail] -> target`,
    ///   an unknown provider or target, an unterminated quote, a key given twice, or a file with no mappings.
    public static func parse(_ text: String, file: String) throws(MappingFileError) -> MappingTable {
        var problems: [MappingFileError.Problem] = []
        var entries: [MappingEntry] = []
        var firstLineOfKey: [MappingKey: Int] = [:]
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            switch parseLine(line) {
            case .blank:
                continue
            case .problem(let message):
                problems.append(.init(line: number, message: message))
            case .entry(let key, let target):
                if let first = firstLineOfKey[key] {
                    problems.append(.init(line: number, message: "\(describe(key)) is mapped twice (first on line \(first)); keep one of the two lines"))
                    continue
                }
                firstLineOfKey[key] = number
                entries.append(MappingEntry(key: key, target: target, line: number))
            }
        }
        if problems.isEmpty && entries.isEmpty {
            problems.append(.init(line: 1, message: "the file has no mappings; add lines of the form `provider status [detail] -> target`"))
        }
        guard problems.isEmpty else { throw MappingFileError(file: file, problems: problems) }
        do {
            return try MappingTable(entries: entries)
        } catch {
            // Duplicates were reported above with their lines; this is unreachable in practice but keeps the
            // error typed rather than trapping.
            switch error {
            case .duplicateKey(let key, _, let line):
                throw MappingFileError(file: file, problems: [.init(line: line ?? 1, message: "\(describe(key)) is mapped twice")])
            }
        }
    }

    /// Writes a table in the file format, so that `mappings show > my.mappings` gives a file to edit.
    public static func render(_ table: MappingTable) -> String {
        let rows = table.entries.map { entry in
            [entry.key.provider.rawValue, quoted(entry.key.rawStatus), entry.key.detailCode.map(quoted) ?? "", "->", entry.target.rawValue]
        }
        var widths = [Int](repeating: 0, count: 5)
        for row in rows {
            for (column, word) in row.enumerated() { widths[column] = max(widths[column], word.count) }
        }
        var output = "# provider  status  [detail]  ->  target\n"
        for row in rows {
            let padded = row.enumerated().map { column, word in
                column == row.count - 1 ? word : word + String(repeating: " ", count: widths[column] - word.count)
            }
            output += padded.joined(separator: "  ") + "\n"
        }
        return output
    }

    /// A key as messages name it: `firetext status "1" detail "101"`.
    static func describe(_ key: MappingKey) -> String {
        var text = "\(key.provider.rawValue) status \"\(key.rawStatus)\""
        if let detail = key.detailCode { text += " detail \"\(detail)\"" }
        return text
    }

    private enum Line {
        case blank
        case entry(MappingKey, MappingTarget)
        case problem(String)
    }

    private static let shape = "expected `provider status [detail] -> target`"

    private static func parseLine(_ line: Substring) -> Line {
        let words: [String]
        switch MappingWords.split(line) {
        case .success(let split): words = split
        case .failure(let problem): return .problem(problem.message)
        }
        if words.isEmpty { return .blank }
        guard words.count == 4 || words.count == 5, words[words.count - 2] == "->" else {
            return .problem("\(shape), found \(words.count) word\(words.count == 1 ? "" : "s")")
        }
        var problems: [String] = []
        let provider = Provider(rawValue: words[0])
        if provider == nil {
            problems.append("unknown provider \"\(words[0])\"; use one of \(ProviderRegistry.names)")
        }
        let targetWord = words[words.count - 1]
        let target = MappingTarget(rawValue: targetWord)
        if target == nil {
            problems.append("unknown target status \"\(targetWord)\"; use one of \(MappingTarget.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let provider, let target else { return .problem(problems.joined(separator: "; ")) }
        let key = MappingKey(provider: provider, rawStatus: words[1], detailCode: words.count == 5 ? words[2] : nil)
        return .entry(key, target)
    }

    private static func quoted(_ word: String) -> String {
        word.isEmpty || word.unicodeScalars.contains(where: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "#" }) || word == "->"
            ? "\"\(word)\"" : word
    }
}
