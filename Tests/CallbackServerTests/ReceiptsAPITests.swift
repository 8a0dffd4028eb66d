import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// `GET /v2/notifications/{id}/receipts`: a service's key sees its own notifications of its own key type, and
/// nothing else, not even whether anything else exists.
@Suite("Receipts API")
struct ReceiptsAPITests {
    /// A key made as `callback-gateway keys create` makes one.
    static func makeKey(_ database: TestDatabase, service: UUID, type: KeyType) async throws -> APIKeyToken {
        var randomness = SystemRandomNumberGenerator()
        let token = APIKeyToken.generate(using: &randomness)
        _ = try await PostgresAPIKeys(workers: database.workers).create(token, serviceID: service, keyType: type, name: nil)
        return token
    }

    /// A notification of `service` sent with a key of `type`, delivered through a Firetext receipt.
    static func deliveredNotification(_ database: TestDatabase, service: UUID, type: KeyType) async throws -> UUID {
        let id = try await database.insertNotification(status: .sending, sentBy: "firetext")
        try await database.query(
            "UPDATE notifications SET service_id = $2::uuid, key_type = $3::text WHERE id = $1::uuid",
            [id.uuidString, service.uuidString, type.rawValue]
        )
        return id
    }

    static func get(_ client: some TestClientProtocol, _ id: String, key: String?) async throws -> (HTTPResponse.Status, String) {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await client.execute(uri: "/v2/notifications/\(id)/receipts", method: .get, headers: headers) {
            ($0.status, String(buffer: $0.body))
        }
    }

    @Test("key type × notification key type × own or other service: found only for its own service and key type")
    func matrix() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let own = UUID(), other = UUID()
            var notifications: [(service: UUID, type: KeyType, id: UUID)] = []
            for service in [own, other] {
                for type in KeyType.allCases {
                    notifications.append((service, type, try await Self.deliveredNotification(database, service: service, type: type)))
                }
            }
            var madeKeys: [KeyType: APIKeyToken] = [:]
            for type in KeyType.allCases { madeKeys[type] = try await Self.makeKey(database, service: own, type: type) }
            let keys = madeKeys, made = notifications
            let missing = try await harness.test { client in try await Self.get(client, UUID().uuidString, key: keys[.normal]?.text) }
            #expect(missing.0 == .notFound)

            try await harness.test { client in
                for notification in made {
                    _ = try await client.firetext(Bodies.firetext(reference: notification.id.uuidString, status: "0"))
                }
                for (keyType, key) in keys {
                    for notification in made {
                        let answer = try await Self.get(client, notification.id.uuidString, key: key.text)
                        let visible = notification.service == own && notification.type == keyType
                        if visible {
                            #expect(answer.0 == .ok, "\(keyType) key, \(notification.type) notification")
                            #expect(answer.1.contains(notification.id.uuidString.lowercased()))
                        } else {
                            #expect(answer.0 == .notFound, "\(keyType) key, \(notification.type) notification of \(notification.service == own ? "its" : "another") service")
                            #expect(answer.1 == missing.1, "a notification outside the key's scope answers exactly as a missing one")
                        }
                    }
                }
            }
        }
    }

    @Test("the answer: the notification's status and its receipts in order, with no raw body")
    func answer() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let service = UUID()
            let id = try await Self.deliveredNotification(database, service: service, type: .normal)
            let key = try await Self.makeKey(database, service: service, type: .normal)
            let body = try await harness.test { client in
                _ = try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "2"))
                _ = try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0"))
                let answer = try await Self.get(client, id.uuidString.uppercased(), key: key.text)
                #expect(answer.0 == .ok)
                return answer.1
            }
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let notification = try #require(json["notification"] as? [String: Any])
            #expect(notification["id"] as? String == id.uuidString.lowercased())
            #expect(notification["status"] as? String == "delivered")
            #expect(notification["updated_by"] as? String == "callback:firetext")
            let receipts = try #require(json["receipts"] as? [[String: Any]])
            #expect(receipts.map { $0["raw_status"] as? String } == ["2", "0"])
            #expect(receipts.map { $0["status_written"] as? String } == ["pending", "delivered"])
            #expect(receipts.map { $0["outcome"] as? String } == ["applied", "applied"])
            #expect(receipts.allSatisfy { $0["provider"] as? String == "firetext" && $0["received_at"] is String })
            #expect(!body.contains("447700900123"), "no phone number from a raw body")
            #expect(!body.contains("raw_body"))
        }
    }

    @Test("no key, a malformed header, an unknown id, a wrong secret and a revoked key are all the same 401")
    func refused() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let service = UUID()
            let id = try await Self.deliveredNotification(database, service: service, type: .normal)
            let good = try await Self.makeKey(database, service: service, type: .normal)
            let revoked = try await Self.makeKey(database, service: service, type: .normal)
            _ = try await PostgresAPIKeys(workers: database.workers).revoke(id: revoked.id)
            let wrongSecret = UUIDText.lowercase(good.id) + "." + String(repeating: "0", count: 64)
            let unknownID = UUIDText.lowercase(UUID()) + "." + good.secret
            let answers = try await harness.test { client in
                var answers: [(HTTPResponse.Status, String)] = []
                for key in [nil, "", "nonsense", good.secret, wrongSecret, unknownID, revoked.text, good.text + "0", good.text.uppercased()] as [String?] {
                    answers.append(try await Self.get(client, id.uuidString, key: key))
                }
                answers.append(try await client.execute(uri: "/v2/notifications/\(id.uuidString)/receipts", method: .get, headers: [.authorization: "Basic \(good.text)"]) {
                    ($0.status, String(buffer: $0.body))
                })
                let granted = try await Self.get(client, id.uuidString, key: good.text)
                #expect(granted.0 == .ok)
                return answers
            }
            for answer in answers {
                #expect(answer.0 == .unauthorized)
                #expect(answer.1 == answers[0].1)
                #expect(!answer.1.contains(good.secret))
            }
        }
    }

    @Test("a malformed notification id is 400, after the key is checked")
    func malformedID() async throws {
        try await TestDatabase.with { database in
            let harness = try Harness(database: database)
            let key = try await Self.makeKey(database, service: UUID(), type: .team)
            try await harness.test { client in
                for id in ["not-a-uuid", "1234", "%27%3B--", String(repeating: "a", count: 300)] {
                    let answer = try await Self.get(client, id, key: key.text)
                    #expect(answer.0 == .badRequest, "\(id)")
                    #expect(answer.1.contains("not a UUID"))
                    #expect(try await Self.get(client, id, key: nil).0 == .unauthorized)
                }
            }
        }
    }

    @Test("a key's text: only <uuid>.<64 lower-case hex digits> reads; its description never shows the secret")
    func tokenText() {
        var randomness = SystemRandomNumberGenerator()
        let token = APIKeyToken.generate(using: &randomness)
        #expect(APIKeyToken(text: token.text) == token)
        #expect(token.secret.count == 64)
        #expect(!"\(token)".contains(token.secret))
        #expect(token.secretHash.count == 32)
        for text in ["", ".", token.secret, UUIDText.lowercase(token.id), token.text + ".", token.text.uppercased(), token.text.dropLast() + "g",
                     UUIDText.lowercase(token.id) + "." + token.secret.dropLast()] {
            #expect(APIKeyToken(text: text) == nil, "\(text)")
        }
        #expect(APIKeyToken.generate(using: &randomness) != token)
    }
}
