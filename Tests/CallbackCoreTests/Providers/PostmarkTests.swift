import CallbackCore
import Foundation
import Testing

/// Postmark's adapter, on payloads shaped as Postmark documents them.
@Suite("Postmark")
struct PostmarkTests {
    @Test("our id from Metadata, else the MessageID; a bounce's Type is the detail and its ID the complaint's")
    func adapter() throws {
        let id = "1f000000-0000-4000-8000-000000000501"
        let bounce = #"{"RecordType":"Bounce","ID":42,"Type":"HardBounce","TypeCode":1,"MessageID":"883953f4-6105-42a2-a16a-77a8eac79483","Email":"john@example.com","BouncedAt":"2026-11-29T10:15:00Z","Metadata":{"notification_id":"\#(id)"}}"#
        guard case .receipt(let receipt) = try PostmarkAdapter().parse(CallbackPayload(body: bounce, contentType: "application/json")) else {
            Issue.record("a receipt")
            return
        }
        #expect(receipt.lookup == .id(UUID(uuidString: id)!))
        #expect(receipt.rawStatus == "Bounce")
        #expect(receipt.detailCode == "HardBounce")
        #expect(receipt.complaint?.feedbackID == "postmark:42")
        #expect(receipt.providerTimestamp == Date(timeIntervalSince1970: 1_795_947_300))
        let delivery = #"{"RecordType":"Delivery","MessageID":"883953f4-6105-42a2-a16a-77a8eac79483","Recipient":"john@example.com","DeliveredAt":"2026-11-29T10:15:00Z"}"#
        guard case .receipt(let byReference) = try PostmarkAdapter().parse(CallbackPayload(body: delivery, contentType: "application/json")) else {
            Issue.record("a receipt")
            return
        }
        #expect(byReference.lookup == .reference("883953f4-6105-42a2-a16a-77a8eac79483"))
        #expect(byReference.detailCode == nil)
    }

    @Test("every problem listed: no RecordType, no way to find the notification, an id that is not a UUID")
    func problems() {
        let missing = #expect(throws: InvalidCallback.self) { try PostmarkAdapter().parse(CallbackPayload(body: "{}", contentType: "application/json")) }
        #expect(missing?.problems == ["Postmark callback failed: RecordType missing", "Postmark callback failed: MessageID missing (and no Metadata.notification_id)"])
        let notUUID = #expect(throws: InvalidCallback.self) {
            try PostmarkAdapter().parse(CallbackPayload(body: #"{"RecordType":"Delivery","Metadata":{"notification_id":"abc"}}"#, contentType: "application/json"))
        }
        #expect(notUUID?.problems == ["Postmark callback failed: Metadata.notification_id is not a notification id (UUID)"])
    }
}
