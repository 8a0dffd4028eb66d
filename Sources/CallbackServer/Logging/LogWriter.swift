import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes log lines to a file descriptor from a thread of its own, so that a slow or stuck log reader never
/// blocks a request: lines wait in a bounded buffer, and when it is full they are dropped and counted. A closed
/// reader (EPIPE) is not an error worth dying for either.
final class LogWriter: @unchecked Sendable {
    /// The process's standard error.
    static let standardError = LogWriter(descriptor: STDERR_FILENO)

    private let descriptor: Int32
    private let capacity = 10_000
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [String] = []
    private var dropped = 0
    private var busy = false

    private init(descriptor: Int32) {
        self.descriptor = descriptor
        let thread = Thread { [self] in self.drain() }
        thread.name = "log-writer"
        thread.start()
    }

    /// Queues a line (with its newline); never blocks on the descriptor.
    func write(_ line: String) {
        condition.lock()
        if pending.count < capacity {
            pending.append(line)
        } else {
            dropped += 1
        }
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every queued line is written, at most `timeout`: for the last lines before the process exits.
    func flush(timeout: TimeInterval = 2) {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        while (!pending.isEmpty || busy) && condition.wait(until: deadline) {}
        condition.unlock()
    }

    private func drain() {
        while true {
            condition.lock()
            while pending.isEmpty { condition.wait() }
            var text = pending.joined()
            pending.removeAll(keepingCapacity: true)
            if dropped > 0 {
                text += "\(dropped) log line(s) dropped: the log reader did not keep up\n"
                dropped = 0
            }
            busy = true
            condition.unlock()
            writeAll(text)
            condition.lock()
            busy = false
            condition.broadcast()
            condition.unlock()
        }
    }

    private func writeAll(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return  // EPIPE, a closed descriptor, or a full non-blocking one: the lines are lost, the gateway is not.
            }
        }
    }
}

/// `write(2)`, named apart from ``LogWriter/write(_:)``.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, buffer, count)
    #else
    Darwin.write(descriptor, buffer, count)
    #endif
}
