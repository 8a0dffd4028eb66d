import Foundation
import Logging

/// Formats one log event.
enum LogLine {
    static func text(level: Logger.Level, message: String, label: String, metadata: Logger.Metadata) -> String {
        var line = "\(timestamp()) \(level) \(escaped(message))"
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            line += " \(key)=\(textValue(value))"
        }
        return line
    }

    static func json(level: Logger.Level, message: String, label: String, metadata: Logger.Metadata) -> String {
        var object: [String: Any] = ["time": timestamp(), "level": "\(level)", "message": message, "logger": label]
        for (key, value) in metadata where object[key] == nil { object[key] = jsonValue(value) }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return #"{"level":"error","message":"a log event could not be written as JSON"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func timestamp() -> String {
        Date.now.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    private static func textValue(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): quoted(string)
        case .stringConvertible(let convertible): quoted("\(convertible)")
        case .array(let values): "[" + values.map(textValue).joined(separator: ",") + "]"
        case .dictionary(let values): "{" + values.keys.sorted().map { "\($0)=\(values[$0].map(textValue) ?? "")" }.joined(separator: ",") + "}"
        }
    }

    /// A value as one token of a text line: quoted when it holds spaces, quotes or `=`, and with line breaks and
    /// other control characters escaped, so that no value can end the line and forge the next one.
    private static func quoted(_ value: String) -> String {
        let escaped = escaped(value)
        let needsQuotes = escaped != value || value.isEmpty || value.contains(where: { $0 == " " || $0 == "=" })
        return needsQuotes ? "\"\(escaped)\"" : value
    }

    private static func escaped(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            default:
                if scalar.properties.generalCategory == .control {
                    escaped += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): "\(convertible)"
        case .array(let values): values.map(jsonValue)
        case .dictionary(let values): values.mapValues(jsonValue)
        }
    }
}
