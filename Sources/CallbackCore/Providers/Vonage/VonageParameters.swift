/// A Vonage delivery receipt's parameters, as sent: a form (`a=1&b=2`) or a JSON object of strings (a number is
/// taken as the text it was sent as). The receipt and its signature are both read from these.
public enum VonageParameters {
    /// The parameters by name, or `nil` when the body is neither a form nor a JSON object. Of a name sent twice, the
    /// first counts. A body whose first non-blank byte is `{` is JSON, any other a form, whatever the content type
    /// says: no form field starts with `{`, and the same bytes then always read the same way.
    public static func read(_ payload: CallbackPayload) -> [String: String]? {
        if isJSON(payload.body) {
            guard case .object(let members)? = JSONValue.parse(payload.body) else { return nil }
            var parameters: [String: String] = [:]
            for (name, value) in members {
                guard let text = value.scalarText else { return nil }
                parameters[name] = text
            }
            return parameters
        }
        guard let text = String(validating: payload.body, as: UTF8.self) else { return nil }
        var parameters: [String: String] = [:]
        for pair in FormDecoding.pairs(of: text) {
            guard let name = try? FormDecoding.decode(pair.name), let value = try? FormDecoding.decode(pair.value) else { return nil }
            if parameters[name] == nil { parameters[name] = value }
        }
        return parameters
    }

    /// Whether ``read(_:)`` takes these bytes as JSON: their first non-blank byte is `{`.
    public static func isJSON(_ body: some Collection<UInt8>) -> Bool {
        body.first { !blanks.contains($0) } == UInt8(ascii: "{")
    }

    private static let blanks: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
}
