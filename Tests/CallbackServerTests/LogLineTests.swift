@testable import CallbackServer
import Foundation
import Logging
import Testing

@Suite("Log lines")
struct LogLineTests {
    @Test("a value cannot end a text line and forge the next one")
    func noInjection() {
        let line = LogLine.text(level: .info, message: "receipt\nforged", label: "t",
                                metadata: ["raw_status": "9\n2026-11-29T10:00:00Z info receipt ok=1", "plain": "ok"])
        #expect(!line.contains("\n"))
        #expect(line.contains(#"raw_status="9\n2026-11-29T10:00:00Z info receipt ok=1""#))
        #expect(line.contains("plain=ok"))
        #expect(line.contains(#"receipt\nforged"#))
    }

    @Test("JSON lines are one line and valid JSON")
    func json() throws {
        let line = LogLine.json(level: .warning, message: "a \"quoted\"\nmessage", label: "t", metadata: ["k": "v\u{0}"])
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["message"] as? String == "a \"quoted\"\nmessage")
    }

    @Test("values that could be phone numbers or email addresses are redacted", arguments: [
        ("447700900123", "[redacted]"), ("07700 900 123", "[redacted]"), ("+44 (0)7700-900-123", "[redacted]"),
        ("someone@example.com", "[redacted]"), ("Bounce", "Bounce"), ("101", "101"), ("1 2 3", "1 2 3"),
    ])
    func redaction(value: String, expected: String) {
        #expect(LogSafe.token(value) == expected)
    }

    @Test("control characters never reach a log value")
    func controls() {
        #expect(LogSafe.token("a\u{1b}[31mb\nc") == "a?[31mb?c")
        #expect(LogSafe.token(String(repeating: "x", count: 100)).count == 65)
    }
}
