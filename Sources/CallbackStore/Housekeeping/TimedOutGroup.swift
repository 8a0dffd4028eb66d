/// How many notifications of one type a timeout run changed to one status.
public struct TimedOutGroup: Sendable, Hashable {
    /// `sms` or `email`.
    public var notificationType: String
    /// The status written.
    public var status: String
    /// How many notifications.
    public var count: Int

    /// Creates a group.
    public init(notificationType: String, status: String, count: Int) {
        self.notificationType = notificationType
        self.status = status
        self.count = count
    }
}
