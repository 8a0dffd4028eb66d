@testable import CallbackCore
import Foundation
import Testing

/// SendGrid's Signed Event Webhook check against the vector of SendGrid's own `EventWebhook` tests (sendgrid 6.12.5,
/// a high-S signature) and vectors made with Python's `cryptography` and accepted by that helper, and its adapter.
@Suite("SendGrid")
struct SendGridTests {
    static let packageKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=="
    static let packageSignature = "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM="
    static let packagePayload = #"[{"email":"hello@world.com","event":"dropped","reason":"Bounced Address","sg_event_id":"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA","sg_message_id":"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0","smtp-id":"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>","timestamp":1600112492}]"# + "\r\n"

    static func payload(_ body: String, signature: String, timestamp: String) -> CallbackPayload {
        CallbackPayload(body: body, contentType: "application/json", headers: [
            "x-twilio-email-event-webhook-signature": signature, "x-twilio-email-event-webhook-timestamp": timestamp,
        ])
    }

    static func check(_ keys: String...) -> SendGridSignature {
        SendGridSignature(keys: keys.map { Array(Data(base64Encoded: $0)!) })
    }

    @Test("the sendgrid package's own vector verifies, high S and all; its negative cases do not")
    func packageVector() {
        let now = Date(timeIntervalSince1970: 1_600_112_502)
        #expect(Self.check(Self.packageKey).authenticate(Self.payload(Self.packagePayload, signature: Self.packageSignature, timestamp: "1600112502"), now: now) == .authentic())
        #expect(Self.check(Self.packageKey).authenticate(Self.payload(String(Self.packagePayload.dropLast(2)), signature: Self.packageSignature, timestamp: "1600112502"), now: now) != .authentic())
        let otherKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA=="
        #expect(Self.check(otherKey).authenticate(Self.payload(Self.packagePayload, signature: Self.packageSignature, timestamp: "1600112502"), now: now) != .authentic())
        let otherSignature = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0="
        #expect(Self.check(Self.packageKey).authenticate(Self.payload(Self.packagePayload, signature: otherSignature, timestamp: "1600112502"), now: now) != .authentic())
        #expect(Self.check(Self.packageKey).authenticate(Self.payload(Self.packagePayload, signature: Self.packageSignature, timestamp: "1600112503"), now: now) != .authentic())
    }

    @Test("vectors made with cryptography and accepted by sendgrid's helper, with a second key configured for rotation", arguments: [
        ("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Z5A/4QCLi8maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==", "1700000005",
         #"[{"email":"alice@example.com","event":"delivered","response":"250 OK","sg_event_id":"ZGVsaXZlcmVkLTAtMTIzNDU2","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0","smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","timestamp":1700000000,"msg_ref":"gw-42"}]"# + "\r\n",
         "MEYCIQDXPFrOh79F/9XSKTpW6id5SJi2GcepyXXAOJ690vsiNwIhAPfc5+oQkKPTNuQRNV7QkveFQmSysaPjRqDyaYvoOoMa"),
        ("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4mbd/cEmaNsw1Mo+j3dJQyxBYETy0rjBC/PUASrv+oq/qGQEoun/5n1HxYfvepen9Fa4Y7TQLPxpKJc6tbHLOQ==", "1700000110",
         #"[{"email":"bob@example.com","event":"bounce","type":"blocked","reason":"550 5.7.1 blocked","status":"5.7.1","sg_event_id":"Ym91bmNlLTEtNjc4","sg_message_id":"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0","timestamp":1700000100},{"email":"carol@example.com","event":"open","sg_event_id":"b3Blbi0y","sg_message_id":"abc.filter-1.0","timestamp":1700000101,"sg_machine_open":false}]"#,
         "MEUCIQDyheAa1nwmjFNg03df9OSVyKqG3mErfnUdi1k8m1o7GAIgCf4DmHS3eZsKEUMpkraSHV3eHbLtdsSA/X+K+OYxG9k="),
    ])
    func freshVectors(key: String, timestamp: String, body: String, signature: String) {
        let now = Date(timeIntervalSince1970: Double(timestamp)!)
        #expect(Self.check(Self.packageKey, key).authenticate(Self.payload(body, signature: signature, timestamp: timestamp), now: now) == .authentic())
        #expect(Self.check(key).authenticate(Self.payload(body + " ", signature: signature, timestamp: timestamp), now: now) != .authentic())
        #expect(Self.check(key).authenticate(Self.payload(body, signature: signature, timestamp: timestamp), now: now.addingTimeInterval(86_401)) != .authentic(), "a day and a second old")
    }

    @Test("settings: each key must be a P-256 public key")
    func settings() throws {
        #expect(throws: ProviderSettingError.self) { try SendGridSignature.make(["SENDGRID_WEBHOOK_PUBLIC_KEYS": "bm90IGEga2V5"]) }
        #expect(try SendGridSignature.make(["SENDGRID_WEBHOOK_PUBLIC_KEYS": Self.packageKey]) != nil)
        #expect(try SendGridSignature.make([:]) == nil)
    }

    @Test("the adapter reads each event of a batch with its own text; an unreadable event does not spoil the others")
    func batch() throws {
        let id = "1f000000-0000-4000-8000-000000000801"
        let body = """
            [ {"event":"delivered","notification_id":"\(id)","timestamp":1795947300},
              {"event":"bounce","type":"blocked","sg_message_id":"xid123.filter-1.0","sg_event_id":"e2"},
              {"email":"x@example.com"}, 7,
              {"event":"spamreport","sg_message_id":"xid124.f","sg_event_id":"e4"} ]
            """
        guard case .batch(let events) = try SendGridAdapter().parse(CallbackPayload(body: body, contentType: "application/json")) else {
            Issue.record("a batch")
            return
        }
        #expect(events.count == 5)
        guard case .receipt(let delivered, let text) = events[0] else { Issue.record("a receipt"); return }
        #expect(delivered.lookup == .id(UUID(uuidString: id)!))
        #expect(text == #"{"event":"delivered","notification_id":"\#(id)","timestamp":1795947300}"#)
        guard case .receipt(let bounce, _) = events[1] else { Issue.record("a receipt"); return }
        #expect(bounce.lookup == .reference("xid123"))
        #expect(bounce.detailCode == "blocked")
        guard case .unreadable(let unreadable, let problems) = events[2] else { Issue.record("unreadable"); return }
        #expect(unreadable == #"{"email":"x@example.com"}"#)
        #expect(problems.contains("SendGrid callback failed: event missing"))
        guard case .unreadable(let number, _) = events[3] else { Issue.record("unreadable"); return }
        #expect(number == "7")
        guard case .receipt(let complaint, _) = events[4] else { Issue.record("a receipt"); return }
        #expect(complaint.complaint?.feedbackID == "sendgrid:e4")
        // An sg_message_id with nothing before its first "." names no message: that event alone is unreadable.
        let dotted = #"[{"event":"delivered","sg_message_id":" .filter0001.1","notification_id":"\#(id)"}]"#
        guard case .batch(let dottedEvents) = try SendGridAdapter().parse(CallbackPayload(body: dotted, contentType: "application/json")),
              case .unreadable(_, let dottedProblems) = dottedEvents.first else {
            Issue.record("an unreadable event")
            return
        }
        #expect(dottedProblems.contains { $0.contains("sg_message_id has no message id before its first") })
        // A stored event is read again on its own.
        guard case .receipt(let again) = try SendGridAdapter().parse(CallbackPayload(body: text, contentType: "application/json")) else {
            Issue.record("a receipt")
            return
        }
        #expect(again == delivered)
    }
}
