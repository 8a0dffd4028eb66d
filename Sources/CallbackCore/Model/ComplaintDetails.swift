import Foundation

/// The details of an email complaint (SES `complaint` object).
public struct ComplaintDetails: Sendable, Hashable {
    /// The provider's id for the complaint.
    public var feedbackID: String?
    /// The kind of complaint the recipient's mailbox reported (`abuse`, `not-spam`, ...), when given.
    public var complaintType: String?
    /// When the recipient complained, in UTC.
    public var complainedAt: Date?

    /// Creates complaint details.
    public init(feedbackID: String?, complaintType: String?, complainedAt: Date?) {
        self.feedbackID = feedbackID
        self.complaintType = complaintType
        self.complainedAt = complainedAt
    }
}
