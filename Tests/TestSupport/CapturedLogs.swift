import Foundation
import Logging
import Synchronization

/// Log events kept in memory, so that tests can check what was logged (and what was not).
public final class CapturedLogs: Sendable {
    public struct Event: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]

        /// The event as one line of text, for searching.
        public var line: String {
            "\(level) \(message) " + metadata.keys.sorted().map { "\($0)=\(metadata[$0] ?? "")" }.joined(separator: " ")
        }
    }

    private let events = Mutex<[Event]>([])

    public init() {}

    /// A logger whose events land here.
    public func logger(label: String = "test") -> Logger {
        Logger(label: label) { _ in Handler(sink: self) }
    }

    public var all: [Event] { events.withLock { $0 } }

    fileprivate func append(_ event: Event) { events.withLock { $0.append(event) } }

    private struct Handler: LogHandler {
        let sink: CapturedLogs
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { _, new in new } }
            sink.append(Event(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}
