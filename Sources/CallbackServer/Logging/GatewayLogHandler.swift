import Foundation
import Logging

/// Writes one line per log event to standard error, as text or JSON, through a writer thread so that logging never
/// blocks a request.
public struct GatewayLogHandler: LogHandler {
    /// The level below which events are dropped.
    public var logLevel: Logger.Level
    /// Metadata attached to every event of this logger.
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let format: LogFormat

    /// Creates a handler.
    public init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes an event.
    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = switch format {
        case .text: LogLine.text(level: event.level, message: "\(event.message)", label: label, metadata: merged)
        case .json: LogLine.json(level: event.level, message: "\(event.message)", label: label, metadata: merged)
        }
        LogWriter.standardError.write(line + "\n")
    }

    /// Waits (briefly) until every line logged so far is written; call it before the process exits.
    public static func flush() {
        LogWriter.standardError.flush()
    }
}
