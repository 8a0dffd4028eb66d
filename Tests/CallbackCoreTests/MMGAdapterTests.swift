import Foundation
import Testing
import TestSupport

@testable import CallbackCore

@Suite("MMG adapter")
struct MMGAdapterTests {
    private static let notificationID = "6e3b8a5f-0b4c-4c1e-9f55-2a0c5e7d9a11"
    private static let msisdn = "447700900001"
    private let adapter = MMGAdapter()

    private func receipt(_ body: String) throws -> ProviderReceipt {
        try adapter.receipt(CallbackPayload(body: body, contentType: "application/json"))
    }

    private func problems(_ body: String) -> [String] {
        adapter.problems(CallbackPayload(body: body, contentType: "application/json"))
    }

    /// A receipt body with `status` and any extra members given as raw JSON, after `CID` and `MSISDN`.
    private func body(status: String, _ extra: String = "") -> String {
        #"{"CID":"\#(Self.notificationID)","MSISDN":"\#(Self.msisdn)","status":\#(status)\#(extra)}"#
    }

    @Test("a delivery receipt as MMG sends it")
    func delivered() throws {
        let receipt = try receipt("""
            {"reference":"mmg_ref","CID":"\(Self.notificationID)","MSISDN":"\(Self.msisdn)","status":3,\
            "substatus":5,"deliverytime":"2016-04-05 16:01:07"}
            """)
        #expect(receipt == ProviderReceipt(
            provider: .mmg,
            lookup: .id(try #require(UUID(uuidString: Self.notificationID))),
            providerReference: "mmg_ref",
            rawStatus: "3",
            reason: "5",
            providerTimestamp: ProviderTimestamp.parse("2016-04-05T15:01:07Z")  // BST in April
        ))
    }

    @Test("the provider and media type")
    func identity() {
        #expect(adapter.provider == .mmg)
        #expect(adapter.acceptedMediaTypes == ["application/json"])
    }

    @Test(
        "a status may be a string or a number",
        arguments: [("3", "3"), (#""3""#, "3"), ("3.0", "3"), ("3e0", "3"), (#"" 4 ""#, "4"), ("2.5", "2.5"), ("-1", "-1")]
    )
    func statusKinds(json: String, rawStatus: String) throws {
        #expect(try receipt(body(status: json)).rawStatus == rawStatus)
    }

    @Test("a status of another kind is refused", arguments: ["true", "{}", "[3]"])
    func statusWrongKind(json: String) {
        #expect(problems(body(status: json)) == ["MMG callback failed: status must be a string or a number"])
    }

    @Test("a null or blank status is missing", arguments: ["null", #""""#, #""  ""#])
    func statusMissing(json: String) {
        #expect(problems(body(status: json)) == ["MMG callback failed: status missing"])
    }

    @Test("a substatus may be a string or a number and is only a reason")
    func substatus() throws {
        #expect(try receipt(body(status: "2", #","substatus":"11""#)).reason == "11")
        #expect(try receipt(body(status: "2", #","substatus":2049"#)).reason == "2049")
        #expect(try receipt(body(status: "2")).reason == nil)
        #expect(problems(body(status: "2", #","substatus":false"#)) == [
            "MMG callback failed: substatus must be a string or a number",
        ])
    }

    @Test("missing CID and status are both reported")
    func bothMissing() {
        #expect(problems(#"{"reference":"mmg_reference","monkey":"random thing","MSISDN":"447777349060","no_status":0}"#) == [
            "MMG callback failed: CID missing",
            "MMG callback failed: status missing",
        ])
    }

    @Test("a CID that is not a UUID is refused without repeating it", arguments: [#""notification_id""#, "12345"])
    func cidNotUUID(json: String) {
        #expect(problems(#"{"CID":\#(json),"status":"3"}"#) == ["MMG callback failed: CID is not a notification id (UUID)"])
    }

    @Test("a CID is trimmed")
    func cidTrimmed() throws {
        let receipt = try receipt(#"{"CID":" \#(Self.notificationID)\t","status":"3"}"#)
        #expect(receipt.lookup == .id(try #require(UUID(uuidString: Self.notificationID))))
    }

    @Test(
        "a delivery time with an offset is honoured; a missing or unusable one is no problem",
        arguments: [
            (#","deliverytime":"2016-07-05 18:01:07+0200""#, ProviderTimestamp.parse("2016-07-05T16:01:07Z")),
            (#","deliverytime":"2016-07-05 17:01:07""#, ProviderTimestamp.parse("2016-07-05T16:01:07Z")),
            (#","deliverytime":"bananas""#, nil),
            (#","deliverytime":20160705"#, nil),
            (#","deliverytime":null"#, nil),
            ("", nil),
        ]
    )
    func deliveryTime(json: String, expected: Date?) throws {
        #expect(try receipt(body(status: "3", json)).providerTimestamp == expected)
    }

    @Test(
        "a body that is not JSON is refused",
        arguments: ["", "nonsense", "{", #"{"CID":}"#, "{} {}", String(repeating: "[", count: 5_000)]
    )
    func invalidJSON(body: String) {
        #expect(problems(body) == ["MMG callback failed: body is not valid JSON"])
    }

    @Test("JSON that is not an object is refused", arguments: ["[]", "3", #""3""#, "null", "true"])
    func notAnObject(body: String) {
        #expect(problems(body) == ["MMG callback failed: body is not a JSON object"])
    }

    @Test("a body that is not UTF-8 text or holds a NUL byte is one problem")
    func notText() {
        let json = Array(body(status: "3").utf8)
        #expect(adapter.problems(CallbackPayload(body: json + [0xFF])) == ["MMG callback failed: body is not UTF-8 text"])
        #expect(adapter.problems(CallbackPayload(body: json + [0])) == ["MMG callback failed: body contains a NUL byte"])
    }

    @Test("a NUL character anywhere is refused, naming only the field")
    func escapedNUL() {
        #expect(problems(body(status: #""3\u0000""#)) == ["MMG callback failed: status contains a NUL character"])
        #expect(problems(#"{"CID":"\#(Self.notificationID)","MSISDN":"4477\u0000","status":3}"#) == [
            "MMG callback failed: MSISDN contains a NUL character",
        ])
        #expect(problems(body(status: "3", #","extra":{"a":["\u0000"]},"x\u0000":1"#)) == [
            "MMG callback failed: a field contains a NUL character",
        ])
    }

    @Test("problems never repeat the phone number or other values")
    func noValuesInProblems() {
        let problems = problems(#"{"CID":"\#(Self.msisdn)","MSISDN":"\#(Self.msisdn)\u0000","status":["\#(Self.msisdn)"]}"#)
        #expect(problems.count == 3)
        #expect(problems.allSatisfy { !$0.contains(Self.msisdn) })
    }

    @Test("arbitrary bytes never crash the adapter and every refusal says why")
    func arbitraryBytes() {
        var generator = SeededGenerator(seed: 0x4D4D47)
        let alphabet = Array(#"{}[]:,"\ 0123456789.eE-+truefalsnCIDstatus"#.utf8) + [0, 0x80, 0xFF]
        let bodies = generator.bodies(3_000, maxLength: 64, alphabet: alphabet)
        #expect(adapter.acceptedCount(of: bodies + [Array(body(status: "3").utf8)]) >= 1)
    }
}
