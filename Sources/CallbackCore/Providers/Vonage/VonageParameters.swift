/// A Vonage delivery receipt's parameters, as sent: a form (`a=1&b=2`) or a JSON object of strings (a number is
/// taken as the text it was sent as). The receipt and its signature are both read from these.
public enum VonageParameters {
    /// The parameters by name, or `nil` when the body is neither a form nor a JSON object. Of a name sent twice, the
    /// first counts.
    public static func read(_ payload: CallbackPayload) -> [String: String]? {
        if payload.mediaType == "application/json" || payload.body.first == UInt8(ascii: "{") {
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
}
