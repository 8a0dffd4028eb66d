import Foundation
import Testing
import TestSupport

@testable import CallbackCore

@Suite("Firetext adapter")
struct FiretextAdapterTests {
    private static let notificationID = "6e3b8a5f-0b4c-4c1e-9f55-2a0c5e7d9a11"
    private static let mobile = "447700900001"
    private let adapter = FiretextAdapter()

    private func receipt(_ body: String) throws -> ProviderReceipt {
        try adapter.receipt(CallbackPayload(body: body, contentType: "application/x-www-form-urlencoded"))
    }

    private func problems(_ body: String) -> [String] {
        adapter.problems(CallbackPayload(body: body, contentType: "application/x-www-form-urlencoded"))
    }

    @Test("a delivery receipt as Firetext sends it")
    func delivered() throws {
        let receipt = try receipt(
            "mobile=\(Self.mobile)&status=0&time=2016-03-10+14%3A17%3A00&reference=\(Self.notificationID)"
        )
        #expect(receipt == ProviderReceipt(
            provider: .firetext,
            lookup: .id(try #require(UUID(uuidString: Self.notificationID))),
            rawStatus: "0",
            providerTimestamp: ProviderTimestamp.parse("2016-03-10T14:17:00Z")
        ))
    }

    @Test("a failure keeps its detail code exactly as sent", arguments: ["101", "000", "900"])
    func failureCode(code: String) throws {
        let receipt = try receipt("mobile=\(Self.mobile)&status=1&code=\(code)&reference=\(Self.notificationID)")
        #expect(receipt.rawStatus == "1")
        #expect(receipt.detailCode == code)
    }

    @Test("the provider and media type")
    func identity() {
        #expect(adapter.provider == .firetext)
        #expect(adapter.acceptedMediaTypes == ["application/x-www-form-urlencoded"])
    }

    @Test("a summer time without an offset is BST; one with an offset is honoured")
    func timeZones() throws {
        let summer = try receipt("status=0&time=2016-07-10 15:17:00&reference=\(Self.notificationID)")
        let offset = try receipt("status=0&time=2016-07-10+16:17:00%2B0200&reference=\(Self.notificationID)")
        let expected = ProviderTimestamp.parse("2016-07-10T14:17:00Z")
        #expect(summer.providerTimestamp == expected)
        #expect(offset.providerTimestamp == expected)
    }

    @Test("a missing or unparsable time is no problem", arguments: ["", "&time=bananas", "&time=", "&time=2016-02-30+10:00:00"])
    func unusableTime(time: String) throws {
        let receipt = try receipt("status=0&reference=\(Self.notificationID)\(time)")
        #expect(receipt.providerTimestamp == nil)
    }

    @Test("values are trimmed")
    func trimmed() throws {
        let receipt = try receipt("status=+2+&code=%20101%09&reference=++\(Self.notificationID)++")
        #expect(receipt.rawStatus == "2")
        #expect(receipt.detailCode == "101")
        #expect(receipt.lookup == .id(try #require(UUID(uuidString: Self.notificationID))))
    }

    @Test("the first of repeated fields wins")
    func repeatedFields() throws {
        let receipt = try receipt("status=0&status=1&reference=\(Self.notificationID)&reference=nonsense")
        #expect(receipt.rawStatus == "0")
    }

    @Test("a blank code is no code")
    func blankCode() throws {
        #expect(try receipt("status=1&code=+&reference=\(Self.notificationID)").detailCode == nil)
    }

    @Test("missing reference and status are both reported")
    func bothMissing() {
        #expect(problems("mobile=\(Self.mobile)&time=2016-03-10+14:17:00") == [
            "Firetext callback failed: reference missing",
            "Firetext callback failed: status missing",
        ])
    }

    @Test("an empty or blank reference is missing", arguments: ["reference=", "reference=+", "reference=%20%09", "reference"])
    func blankReference(field: String) {
        #expect(problems("status=0&\(field)") == ["Firetext callback failed: reference missing"])
    }

    @Test("a reference that is not a UUID is refused without repeating it")
    func referenceNotUUID() {
        let problems = problems("status=0&reference=notification_id")
        #expect(problems == ["Firetext callback failed: reference is not a notification id (UUID)"])
    }

    @Test("a body that is not UTF-8 text is one problem")
    func notUTF8() {
        let body = Array("status=0&reference=\(Self.notificationID)&mobile=".utf8) + [0xC3, 0x28]
        #expect(adapter.problems(CallbackPayload(body: body)) == ["Firetext callback failed: body is not UTF-8 text"])
    }

    @Test("a body with a NUL byte is one problem")
    func nulByte() {
        let body = Array("status=0\0&reference=\(Self.notificationID)".utf8)
        #expect(adapter.problems(CallbackPayload(body: body)) == ["Firetext callback failed: body contains a NUL byte"])
    }

    @Test("a NUL character in any value is refused, naming only the field")
    func encodedNUL() {
        #expect(problems("status=0&reference=\(Self.notificationID)%00") == [
            "Firetext callback failed: reference contains a NUL character",
        ])
        #expect(problems("mobile=\(Self.mobile)%00&status=0&reference=\(Self.notificationID)") == [
            "Firetext callback failed: mobile contains a NUL character",
        ])
        #expect(problems("x%00y=1&other=%00&status=0&reference=\(Self.notificationID)") == [
            "Firetext callback failed: a form field contains a NUL character",
        ])
    }

    @Test(
        "a malformed escape is a problem, not a crash",
        arguments: ["%", "%4", "%zz", "%4g", "abc%", "%%41"]
    )
    func malformedEscape(value: String) {
        #expect(problems("status=\(value)&reference=\(Self.notificationID)") == [
            "Firetext callback failed: status has a malformed percent escape",
        ])
    }

    @Test("escapes that decode to something other than UTF-8 are refused")
    func escapedNotUTF8() {
        #expect(problems("status=0&reference=\(Self.notificationID)&code=%FF") == [
            "Firetext callback failed: code is not UTF-8 text",
        ])
        #expect(problems("%FF=1&status=0&reference=\(Self.notificationID)") == [
            "Firetext callback failed: a form field name is not UTF-8 text",
        ])
    }

    @Test("every problem is listed at once")
    func everyProblem() {
        #expect(problems("code=%zz&status=%00&reference=x") == [
            "Firetext callback failed: code has a malformed percent escape",
            "Firetext callback failed: status contains a NUL character",
            "Firetext callback failed: reference is not a notification id (UUID)",
        ])
    }

    @Test("problems never repeat the phone number or other values")
    func noValuesInProblems() {
        let problems = problems("mobile=\(Self.mobile)%00&status=%zz&reference=\(Self.mobile)&time=\(Self.mobile)")
        #expect(!problems.isEmpty)
        #expect(problems.allSatisfy { !$0.contains(Self.mobile) })
    }

    @Test("arbitrary bytes never crash the adapter and every refusal says why")
    func arbitraryBytes() {
        var generator = SeededGenerator(seed: 0xF17E)
        let alphabet = Array("=&%+0123456789abcdefABCDEF-reference status code time mobile".utf8) + [0, 0x80, 0xFF]
        let bodies = generator.bodies(3_000, maxLength: 64, alphabet: alphabet)
        let valid = Array("status=0&reference=\(Self.notificationID)".utf8)
        #expect(adapter.acceptedCount(of: bodies + [valid]) >= 1)
    }

    @Test("a Content-Type starting with ; has no media type of its own", arguments: [";application/x-www-form-urlencoded", ";", " ; text/plain"])
    func leadingSemicolon(contentType: String) {
        #expect(CallbackPayload(body: "", contentType: contentType).mediaType == nil)
    }

    @Test("the media type is the part before the first ;, trimmed and lower-cased", arguments: [
        (" Application/X-WWW-Form-Urlencoded ; charset=UTF-8", "application/x-www-form-urlencoded"), ("text/plain;;", "text/plain"),
        ("application/json", "application/json"), ("\tapplication/json\t;charset=utf-8", "application/json"),
        ("APPLICATION/JSON", "application/json"), ("Tëxt/Plain", "tëxt/plain"), ("", nil), (" \t ", nil),
        // Outside ASCII the Character rules hold: U+037E is canonically `;`, and a space carrying a combining mark
        // is white space (fuzz regressions F9).
        ("text/plain\u{37E}charset=x", "text/plain"), ("Text/Plain \u{619}  ", "text/plain"), ("κ\u{37E}x", "κ"),
    ] as [(String, String?)])
    func mediaType(contentType: String, expected: String?) {
        #expect(CallbackPayload(body: "", contentType: contentType).mediaType == expected)
    }
}
