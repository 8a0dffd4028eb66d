import ArgumentParser
import CallbackCore
import CallbackStore
import Foundation

/// `callback-gateway keys`: services' API keys for the receipts API (`GET /v2/notifications/{id}/receipts`).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make, list and revoke services' API keys for the receipts API.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// `keys create`: a new key, its secret printed once, alone on the last line.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an API key for a service; its secret is printed once, alone on the last line."
        )

        @Option(help: ArgumentHelp("The service whose notifications the key may see (a UUID).", valueName: "id"))
        var service: String

        @Option(help: ArgumentHelp("The kind of notifications it may see: normal, team or test.", valueName: "type"))
        var type: String

        @Option(help: ArgumentHelp("A name for people (at most 200 characters).", valueName: "name"))
        var name: String?

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            _ = try KeysCommand.serviceID(service)
            _ = try KeysCommand.keyType(type)
            if let name, name.count > 200 || name.contains(where: \.isNewline) {
                throw ValidationError("--name is too long or holds a line break: give at most 200 characters on one line")
            }
        }

        func run() async throws {
            let serviceID = try KeysCommand.serviceID(service)
            let keyType = try KeysCommand.keyType(type)
            var randomness = SystemRandomNumberGenerator()
            let token = APIKeyToken.generate(using: &randomness)
            let key = try await Database.withWorkers(database) { workers in
                try await PostgresAPIKeys(workers: workers).create(token, serviceID: serviceID, keyType: keyType, name: name)
            }
            print("made API key \(UUIDText.lowercase(key.id)) for service \(UUIDText.lowercase(key.serviceID)), type \(key.keyType.rawValue)")
            print("it is shown only now: give it to the service, to send as Authorization: Bearer <key>")
            print(token.text)
        }
    }

    /// `keys list`: every key, never a secret.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (never their secrets).")

        @Option(help: ArgumentHelp("Only this service's keys (a UUID).", valueName: "id"))
        var service: String?

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if let service { _ = try KeysCommand.serviceID(service) }
        }

        func run() async throws {
            let serviceID = try service.map(KeysCommand.serviceID)
            let keys = try await Database.withWorkers(database) { workers in
                try await PostgresAPIKeys(workers: workers).list(serviceID: serviceID)
            }
            guard !keys.isEmpty else {
                print("no API keys: make one with callback-gateway keys create --service ID --type normal|team|test")
                return
            }
            var table = TextTable(columns: ["key id", "service", "type", "name", "created", "revoked"])
            for key in keys {
                table.add([
                    UUIDText.lowercase(key.id), UUIDText.lowercase(key.serviceID), key.keyType.rawValue, key.name ?? "",
                    key.createdAt.formatted(.iso8601), key.revokedAt?.formatted(.iso8601) ?? "",
                ])
            }
            print(table.render(), terminator: "")
        }
    }

    /// `keys revoke`: the key is refused from the next request on.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key: refused from the next request on.")

        @Argument(help: ArgumentHelp("The key's id, as `keys list` shows it.", valueName: "key-id"))
        var keyID: String

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard UUID(uuidString: keyID) != nil else {
                throw ValidationError("the key id '\(keyID)' is not a UUID: give the id `callback-gateway keys list` shows")
            }
        }

        func run() async throws {
            guard let id = UUID(uuidString: keyID) else { throw Failure.configuration }
            do {
                let key = try await Database.withWorkers(database) { workers in
                    try await PostgresAPIKeys(workers: workers).revoke(id: id)
                }
                print("revoked API key \(UUIDText.lowercase(key.id)) of service \(UUIDText.lowercase(key.serviceID))")
            } catch let error as APIKeyError {
                Failure.report(error.description)
                throw Failure.runtime
            }
        }
    }

    static func serviceID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw ValidationError("--service '\(text)' is not a UUID: give the service's id, e.g. 6b3e4a2c-0c8e-4a57-9b1a-2f1f0b7b2d10")
        }
        return id
    }

    static func keyType(_ text: String) throws -> KeyType {
        guard let type = KeyType(rawValue: text) else {
            throw ValidationError("--type '\(text)' is not a key type: give normal, team or test")
        }
        return type
    }
}
