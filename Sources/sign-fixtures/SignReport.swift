/// What `sign-fixtures` did to each file.
struct SignReport {
    private(set) var signed: [String] = []
    private(set) var unchanged: [String] = []
    private(set) var skipped: [(file: String, reason: String)] = []
    private(set) var failures: [(file: String, reason: String)] = []

    mutating func add(_ file: String, _ outcome: FixtureResigner.Outcome) {
        switch outcome {
        case .signed: signed.append(file)
        case .unchanged: unchanged.append(file)
        case .notSES: break
        case .skipped(let reason): skipped.append((file, reason))
        case .failed(let reason): failures.append((file, reason))
        }
    }

    /// One line per file that was not signed, then the counts.
    var summary: String {
        var lines = skipped.map { "not signed: \($0.file): \($0.reason)" }
        lines += failures.map { "FAILED: \($0.file): \($0.reason)" }
        lines.append("signed \(signed.count) (\(unchanged.count) already up to date), not signed \(skipped.count), failed \(failures.count)")
        return lines.joined(separator: "\n")
    }
}
