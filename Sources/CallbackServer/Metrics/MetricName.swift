/// Makes text safe to appear in a StatsD metric name.
public enum MetricName {
    /// Reduces a value that came from outside (a request, a provider's status word) to one safe name segment.
    ///
    /// StatsD has no escaping: `:`, `|` and newlines would corrupt the line, dots would create new branches in
    /// Graphite's tree, and unbounded values would create unbounded series. So the result is lower case, contains
    /// only `[a-z0-9_-]` (anything else becomes `_`, runs of `_` collapse to one, and `_` at either end is
    /// dropped), is at most `maxLength` characters (at least 1), and is never empty: nothing usable becomes
    /// `unknown` (cut to `maxLength` if that is shorter).
    ///
    /// - Parameters:
    ///   - value: The text to reduce, e.g. `"Bounce Permanent"` (→ `bounce_permanent`).
    ///   - maxLength: The longest segment to return.
    public static func sanitised(_ value: String, maxLength: Int = 64) -> String {
        let limit = max(maxLength, 1)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(value.utf8.count, limit))
        for byte in value.utf8 {
            if bytes.count == limit { break }
            let mapped: UInt8 = switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte + 32
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): byte
            default: UInt8(ascii: "_")
            }
            if mapped == UInt8(ascii: "_"), bytes.isEmpty || bytes.last == UInt8(ascii: "_") { continue }
            bytes.append(mapped)
        }
        while bytes.last == UInt8(ascii: "_") { bytes.removeLast() }
        guard !bytes.isEmpty else { return String("unknown".prefix(limit)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Makes a whole dotted name, written by us rather than taken from a request, safe for the wire.
    ///
    /// Unlike ``sanitised(_:maxLength:)`` this keeps case and dots, because the documented metric names such as
    /// `POST.sms_callback.process_firetext_response.200` must reach the dashboards exactly as written; it only
    /// replaces what would break the StatsD line format (anything outside `[A-Za-z0-9._-]`) with `_`.
    static func wireSafe(_ name: String) -> String {
        guard !name.isEmpty else { return "unknown" }
        if name.utf8.allSatisfy(isWireSafe) { return name }
        return String(decoding: name.utf8.map { isWireSafe($0) ? $0 : UInt8(ascii: "_") }, as: UTF8.self)
    }

    private static func isWireSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
