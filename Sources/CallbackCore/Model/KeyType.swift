/// Which kind of API key sent a notification, as the platform stores it (`notifications.key_type`). A service's
/// key sees only notifications of its own kind: a team key's test sends are not a live key's business, and the
/// other way round.
public enum KeyType: String, Sendable, CaseIterable, Hashable, Codable {
    /// A live key: sends to anyone.
    case normal
    /// A team and guest list key: sends only to the service's team.
    case team
    /// A test key: nothing is sent; the platform pretends.
    case test
}
