/// Reads `SNS_TOPIC_ARNS`: the topics whose messages the SES route accepts, comma-separated.
public enum SNSTopicList {
    /// The topic ARNs in `text`, or the first entry that is not one.
    ///
    /// Entries are trimmed and empty ones ignored (a trailing comma is forgiven). Each must have the shape of an
    /// SNS topic ARN, `arn:<partition>:sns:<region>:<12-digit account>:<topic name>`, so that a typo (a
    /// subscription ARN, a missing part) is caught at start-up rather than by every receipt being refused.
    public static func parse(_ text: String) -> Result<Set<String>, InvalidEntry> {
        var topics: Set<String> = []
        for entry in text.split(separator: ",") {
            let topic = entry.trimmingWhitespace()
            if topic.isEmpty { continue }
            guard isTopicARN(topic) else { return .failure(InvalidEntry(entry: topic)) }
            topics.insert(topic)
        }
        return .success(topics)
    }

    /// Whether `text` has the shape of an SNS topic ARN.
    public static func isTopicARN(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "sns" else { return false }
        let lowerWord = parts[1].utf8.allSatisfy { isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
        let region = !parts[3].isEmpty && parts[3].utf8.allSatisfy { isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
        let account = parts[4].utf8.count == 12 && parts[4].utf8.allSatisfy(isDigit)
        // Topic names: letters, digits, hyphens and underscores, up to 256; FIFO topics end in `.fifo`.
        let name = parts[5].hasSuffix(".fifo") ? parts[5].dropLast(5) : parts[5]
        let validName = (1...256).contains(name.utf8.count)
            && name.utf8.allSatisfy { isLower($0) || isDigit($0) || isUpper($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        return lowerWord && region && account && validName
    }

    /// An entry of `SNS_TOPIC_ARNS` that is not a topic ARN.
    public struct InvalidEntry: Error, Sendable, Hashable {
        /// The entry, trimmed.
        public var entry: String

        /// Creates the error for an entry.
        public init(entry: String) {
            self.entry = entry
        }
    }

    private static func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isUpper(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
