/// One field of a form-encoded body, for the gateway's own forms (the dashboard's sign-in) rather than a provider's.
public enum FormFieldValue {
    /// The decoded value of the first field called `name` in `text`; `nil` when it is absent or cannot be decoded.
    public static func first(named name: String, in text: String) -> String? {
        for pair in FormDecoding.pairs(of: text) {
            guard let decodedName = try? FormDecoding.decode(pair.name), decodedName == name else { continue }
            return try? FormDecoding.decode(pair.value)
        }
        return nil
    }
}
