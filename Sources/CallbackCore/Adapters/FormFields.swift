import Foundation

/// The fields of a form-encoded body, read the way every adapter needs them.
///
/// The first occurrence of a repeated name wins. Values are trimmed, and a blank value counts as missing. A pair
/// that cannot be decoded, or that holds a NUL character, is a problem wherever it appears, and its field is not
/// reported as missing as well.
struct FormFields {
    private var values: [String: String] = [:]
    private var refused: Set<String> = []

    /// Decodes `text`, recording a problem for every pair that cannot be used.
    ///
    /// - Parameter knownNames: the names a problem may mention; any other name came from the body and is
    ///   described only as "a form field".
    init(decoding text: String, knownNames: Set<String>, problems: inout ProblemList) {
        for pair in FormDecoding.pairs(of: text) {
            let name: String
            do {
                name = try FormDecoding.decode(pair.name)
            } catch {
                problems.add("a form field name \(Self.describe(error))")
                continue
            }
            let field = PayloadText.describe(name, knownNames: knownNames, unnamed: "a form field")
            let value: String
            do {
                value = try FormDecoding.decode(pair.value)
            } catch {
                problems.add("\(field) \(Self.describe(error))")
                refuse(name)
                continue
            }
            guard !PayloadText.containsNUL(name), !PayloadText.containsNUL(value) else {
                problems.add("\(field) contains a NUL character")
                refuse(name)
                continue
            }
            if values[name] == nil, !refused.contains(name) {
                values[name] = value
            }
        }
    }

    /// The trimmed value of `name`, or `nil`; a required field that is absent or blank is recorded as missing.
    func text(_ name: String, required: Bool, problems: inout ProblemList) -> String? {
        guard !refused.contains(name) else { return nil }
        let value = values[name]?.trimmingWhitespace() ?? ""
        guard !value.isEmpty else {
            if required { problems.add("\(name) missing") }
            return nil
        }
        return value
    }

    /// The value of `name` read as a provider timestamp; `nil` when absent or unparsable, which is never a problem.
    func timestamp(_ name: String) -> Date? {
        guard !refused.contains(name), let value = values[name] else { return nil }
        return ProviderTimestamp.parse(value)
    }

    private mutating func refuse(_ name: String) {
        if values[name] == nil { refused.insert(name) }
    }

    private static func describe(_ failure: FormDecoding.Failure) -> String {
        switch failure {
        case .malformedEscape: "has a malformed percent escape"
        case .notUTF8: "is not UTF-8 text"
        }
    }
}
