/// What the JSON adapters of the newer providers share: the body as an object, and which notification it names.
enum JSONBody {
    /// The body as a JSON object, or `nil` after recording why it is not one.
    static func object(_ body: [UInt8], problems: inout ProblemList) -> [String: JSONValue]? {
        guard PayloadText.text(of: body, problems: &problems) != nil else { return nil }
        guard let document = JSONValue.parse(body) else {
            problems.add("body is not valid JSON")
            return nil
        }
        guard case .object(let members) = document else {
            problems.add("body is not a JSON object")
            return nil
        }
        return members
    }

    /// The notification a receipt names: our id where the provider carried it (it must then be a UUID), otherwise
    /// the provider's own message id as the notification's reference; `nil` after recording a problem when neither
    /// is there.
    static func lookup(
        id: String?, idName: String, reference: String?, referenceName: String, problems: inout ProblemList
    ) -> NotificationLookup? {
        if let id {
            guard let uuid = UUIDText.parse(id) else {
                problems.add("\(idName) is not a notification id (UUID)")
                return nil
            }
            return .id(uuid)
        }
        if let reference { return .reference(reference) }
        problems.add("\(referenceName) missing (and no \(idName))")
        return nil
    }
}
