import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Shows how far a replay has got, on standard error: a bar that redraws itself on a terminal, one plain line per
/// receipt otherwise (logs and CI keep every answer).
final class ReplayProgress: @unchecked Sendable {
    private let total: Int
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var done = 0

    init(total: Int) {
        self.total = total
    }

    func record(_ result: ReplayResult) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if isTerminal {
            let width = 30
            let filled = total == 0 ? width : width * done / total
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            write("\r[\(bar)] \(done)/\(total)" + (done == total ? "\n" : ""))
        } else {
            write(result.line + "\n")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
