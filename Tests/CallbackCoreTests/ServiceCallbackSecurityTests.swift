import CallbackCore
import Foundation
import Testing

/// The pure parts of services' callbacks that keep their secrets and the gateway's network safe: sealed tokens and
/// the URL policy.
@Suite("Service callbacks: sealed tokens and the URL policy")
struct ServiceCallbackSecurityTests {
    static let keyA = Data(repeating: 0x11, count: 32).base64EncodedString()
    static let keyB = Data((0..<32).map { UInt8($0) }).base64EncodedString()
    static let nonce = [UInt8](repeating: 7, count: 12)

    @Test("AES-256-GCM: a sealed text opens with its key, nonce and data, and with nothing else")
    func aesGCM() throws {
        let key = [UInt8](repeating: 3, count: 32)
        let message = Array("bearer-token-xyz".utf8)
        let sealed = try #require(AESGCM.seal(message, key: key, nonce: Self.nonce, additional: [1, 2]))
        #expect(sealed.count == message.count + AESGCM.tagSize)
        #expect(!sealed.starts(with: message))
        #expect(AESGCM.open(sealed, key: key, nonce: Self.nonce, additional: [1, 2]) == message)
        #expect(AESGCM.open(sealed, key: [UInt8](repeating: 4, count: 32), nonce: Self.nonce, additional: [1, 2]) == nil)
        #expect(AESGCM.open(sealed, key: key, nonce: [UInt8](repeating: 8, count: 12), additional: [1, 2]) == nil)
        #expect(AESGCM.open(sealed, key: key, nonce: Self.nonce, additional: [1, 3]) == nil)
        for index in sealed.indices {
            var changed = sealed
            changed[index] ^= 1
            #expect(AESGCM.open(changed, key: key, nonce: Self.nonce, additional: [1, 2]) == nil, "byte \(index) changed")
        }
        #expect(AESGCM.seal(message, key: [1], nonce: Self.nonce, additional: []) == nil)
        let empty = try #require(AESGCM.seal([], key: key, nonce: Self.nonce, additional: []))
        #expect(AESGCM.open(empty, key: key, nonce: Self.nonce, additional: []) == [])
    }

    @Test("AES-256-GCM matches a published test vector (McGrew and Viega, test case 14)")
    func aesGCMVector() throws {
        // 256-bit zero key, 96-bit zero IV, one zero block: ciphertext cea7403d4d606b6e074ec5d3baf39d18, tag d0d1c8a799996bf0265b98b5d48ab919.
        let sealed = try #require(AESGCM.seal([UInt8](repeating: 0, count: 16), key: [UInt8](repeating: 0, count: 32),
                                              nonce: [UInt8](repeating: 0, count: 12), additional: []))
        #expect(Digest.hex(sealed) == "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919")
    }

    @Test("a token sealed for one service and type opens only for them; the first key seals, any key opens")
    func sealer() throws {
        let service = UUID(), other = UUID()
        let old = try TokenSealer(keysText: Self.keyA)
        let sealed = try #require(old.seal("s3cret-token", service: service, type: .deliveryStatus, nonce: Self.nonce))
        #expect(!Digest.hex(sealed).contains(Digest.hex(Array("s3cret".utf8))))
        #expect(old.open(sealed, service: service, type: .deliveryStatus) == "s3cret-token")
        #expect(old.open(sealed, service: other, type: .deliveryStatus) == nil)
        #expect(old.open(sealed, service: service, type: .complaint) == nil)

        let rotated = try TokenSealer(keysText: "\(Self.keyB), \(Self.keyA)")
        #expect(rotated.open(sealed, service: service, type: .deliveryStatus) == "s3cret-token", "an older key still opens")
        #expect(!rotated.isSealedWithCurrentKey(sealed))
        let resealed = try #require(rotated.seal("s3cret-token", service: service, type: .deliveryStatus, nonce: Self.nonce))
        #expect(rotated.isSealedWithCurrentKey(resealed))
        #expect(try TokenSealer(keysText: Self.keyB).open(resealed, service: service, type: .deliveryStatus) == "s3cret-token")
        #expect(old.open(resealed, service: service, type: .deliveryStatus) == nil, "a dropped key no longer opens")
        #expect(old.open([], service: service, type: .deliveryStatus) == nil)
        #expect(old.open(Array(sealed.dropLast()), service: service, type: .deliveryStatus) == nil)
    }

    @Test("a key setting that is not 32 bytes in base64 is refused, naming the key by place, never by value", arguments: [
        "", "   ", "not base64!", Data(repeating: 1, count: 16).base64EncodedString(), "\(keyA),", "\(keyA),short",
    ])
    func badKeys(text: String) {
        #expect(throws: TokenSealer.KeyError.self) { try TokenSealer(keysText: text) }
        do {
            _ = try TokenSealer(keysText: text)
        } catch {
            #expect(error.description.contains("SERVICE_CALLBACK_ENCRYPTION_KEY"))
            #expect(error.description.contains("openssl rand -base64 32"))
            #expect(text.count < 8 || !error.description.contains(text))
        }
    }

    @Test("inside addresses are refused, public ones are not", arguments: [
        ("127.0.0.1", true), ("127.9.9.9", true), ("10.1.2.3", true), ("172.16.0.1", true), ("172.31.255.255", true),
        ("192.168.1.1", true), ("169.254.169.254", true), ("100.64.0.1", true), ("0.0.0.0", true), ("224.0.0.1", true),
        ("::1", true), ("::", true), ("fe80::1", true), ("fc00::1", true), ("fd00:ec2::254", true), ("ff02::1", true),
        ("::ffff:127.0.0.1", true), ("::ffff:10.0.0.1", true), ("::ffff:169.254.169.254", true),
        ("172.32.0.1", false), ("8.8.8.8", false), ("203.0.113.10", false), ("100.128.0.1", false), ("2001:db8::1", false),
        ("::ffff:8.8.8.8", false),
    ])
    func addresses(text: String, inside: Bool) throws {
        let address = try #require(IPAddress(text))
        #expect(address.isInside == inside)
        let policy = CallbackURLPolicy(allowInsecure: false)
        if inside {
            #expect(throws: CallbackURLPolicy.Refusal.self) { try policy.check(addresses: [address], of: "h") }
            #expect(throws: CallbackURLPolicy.Refusal.self) { try policy.check(addresses: [try #require(IPAddress("8.8.8.8")), address], of: "h") }
        } else {
            try policy.check(addresses: [address], of: "h")
        }
        try CallbackURLPolicy(allowInsecure: true).check(addresses: [address], of: "h")
    }

    @Test("URLs: https with a host only; http, user info and inside literals refused unless insecure is allowed")
    func urls() throws {
        let policy = CallbackURLPolicy(allowInsecure: false)
        #expect(try policy.url("https://service.example/callbacks?x=1").absoluteString == "https://service.example/callbacks?x=1")
        #expect(try policy.url("https://203.0.113.10:8443/cb").port == 8443)
        for refused in ["http://service.example/cb", "ftp://service.example/", "https://", "/relative", "not a url",
                        "https://user:pass@service.example/", "https://127.0.0.1/cb", "https://[::1]/cb", "https://10.0.0.1/",
                        "https://169.254.169.254/latest/meta-data", "https://" + String(repeating: "a", count: 2001)] {
            #expect(throws: CallbackURLPolicy.Refusal.self, "\(refused)") { try policy.url(refused) }
        }
        let insecure = CallbackURLPolicy(allowInsecure: true)
        #expect(try insecure.url("http://127.0.0.1:9000/cb").host == "127.0.0.1")
        #expect(throws: CallbackURLPolicy.Refusal.self) { try insecure.url("ftp://127.0.0.1/") }
        #expect(throws: CallbackURLPolicy.Refusal.self) { try policy.check(addresses: [], of: "nowhere.invalid") }
    }
}
