/// A scrape in Prometheus's text format (version 0.0.4), parsed strictly enough that a malformed line fails the test
/// rather than being skipped: `# TYPE` lines, and samples `name{label="value",...} number`.
public struct PrometheusText: Sendable {
    /// One sample line.
    public struct Sample: Sendable, Hashable {
        /// The sample's name, with any `_bucket`, `_sum` or `_count` suffix.
        public let name: String
        /// Its labels.
        public let labels: [String: String]
        /// Its value.
        public let value: Double

        /// The series' identity: name and labels, sorted, as one string.
        public var series: String {
            name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
        }
    }

    /// The type each family declares (`counter`, `gauge`, `histogram`).
    public let types: [String: String]
    /// Every sample, in order.
    public let samples: [Sample]

    /// Parses a scrape; throws on any line that is neither a comment nor a well-formed sample.
    public init(parsing text: String) throws {
        var types: [String: String] = [:]
        var samples: [Sample] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if line.hasPrefix("#") {
                let words = line.split(separator: " ")
                if words.count >= 2, words[1] == "TYPE" {
                    guard words.count == 4 else { throw TestSetupError("line \(number + 1): a TYPE line needs a name and a type: \(line)") }
                    guard types[String(words[2])] == nil else { throw TestSetupError("line \(number + 1): \(words[2]) has two TYPE lines") }
                    types[String(words[2])] = String(words[3])
                }
                continue
            }
            samples.append(try Self.sample(Substring(line), line: number + 1))
        }
        self.types = types
        self.samples = samples
    }

    /// The value of the series with exactly these labels, if present.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The sum of every series of `name` whose labels include `labels`.
    public func sum(_ name: String, where labels: [String: String] = [:]) -> Double {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }.map(\.value).reduce(0, +)
    }

    /// Every series' identity.
    public var series: Set<String> { Set(samples.map(\.series)) }

    private static func sample(_ line: Substring, line number: Int) throws -> Sample {
        var rest = line[...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard let first = name.first, !first.isNumber else { throw TestSetupError("line \(number): no metric name: \(line)") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                guard !key.isEmpty, rest.dropFirst(key.count).hasPrefix("=\"") else { throw TestSetupError("line \(number): bad label: \(line)") }
                rest = rest.dropFirst(key.count + 2)
                var value = ""
                while true {
                    guard let character = rest.first else { throw TestSetupError("line \(number): unterminated label value: \(line)") }
                    rest = rest.dropFirst()
                    if character == "\"" { break }
                    if character == "\\" {
                        guard let escaped = rest.first else { throw TestSetupError("line \(number): bad escape: \(line)") }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\", "\"": value.append(escaped)
                        default: throw TestSetupError("line \(number): bad escape \\\(escaped): \(line)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard labels.updateValue(value, forKey: String(key)) == nil else { throw TestSetupError("line \(number): label \(key) twice: \(line)") }
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" {
                    throw TestSetupError("line \(number): expected , or } after a label: \(line)")
                }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw TestSetupError("line \(number): no space before the value: \(line)") }
        let fields = rest.dropFirst().split(separator: " ")
        guard (1...2).contains(fields.count), let value = Double(String(fields[0])) else {
            throw TestSetupError("line \(number): bad value: \(line)")
        }
        return Sample(name: String(name), labels: labels, value: value)
    }
}
