import ArgumentParser
import CallbackCore
import CallbackServer
import CallbackStore
import Foundation

/// `callback-gateway service-callbacks`: where each service is told of its notifications' new statuses and
/// complaints, and with which bearer token.
struct ServiceCallbacksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service-callbacks",
        abstract: "Register, list and remove services' callback URLs; list and re-drive the callbacks owed to them.",
        subcommands: [Set.self, List.self, Remove.self, Reseal.self, Outbox.self, Redrive.self]
    )

    /// `service-callbacks set`: registers or replaces a callback; the token is read from standard input.
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register (or replace) a service's callback; its bearer token is read from standard input.",
            discussion: """
                The token is read from standard input (so it is in neither the process list nor the shell's history) \
                and stored sealed with SERVICE_CALLBACK_ENCRYPTION_KEY. The URL must be https and must not be, or \
                resolve to, a loopback, private, link-local or metadata address, unless SERVICE_CALLBACK_ALLOW_INSECURE_URLS=1.
                """
        )

        @OptionGroup var callback: CallbackOptions

        @Option(help: ArgumentHelp("Where to send: an https URL.", valueName: "url"))
        var url: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (serviceID, callbackType) = try callback.resolved()
            let environment = ProcessInfo.processInfo.environment
            let sealer = try ServiceCallbacksCommand.sealer(environment)
            let policy = CallbackURLPolicy(allowInsecure: environment["SERVICE_CALLBACK_ALLOW_INSECURE_URLS"] == "1")
            let checked: URL
            do throws(CallbackURLPolicy.Refusal) {
                checked = try policy.url(url)
                let host = checked.host ?? ""
                try policy.check(addresses: HostAddresses.resolve(host), of: host)
            } catch {
                Failure.report(error.description)
                throw Failure.configuration
            }
            let token = try ServiceCallbacksCommand.readToken()
            var randomness = SystemRandomNumberGenerator()
            guard let sealed = sealer.seal(token, service: serviceID, type: callbackType, using: &randomness) else {
                Failure.report("the token could not be sealed (libcrypto failed); nothing was stored")
                throw Failure.runtime
            }
            let callback = try await Database.withWorkers(database) { workers in
                try await PostgresServiceCallbacks(workers: workers).set(service: serviceID, type: callbackType, url: checked.absoluteString, sealedToken: sealed)
            }
            let verb = callback.createdAt == callback.updatedAt ? "registered" : "replaced"
            print("\(verb) the \(callback.type.rawValue) callback of service \(UUIDText.lowercase(callback.serviceID)): \(callback.url)")
            if policy.allowInsecure {
                print("warning: SERVICE_CALLBACK_ALLOW_INSECURE_URLS=1: the URL was not checked for http or inside addresses; for local testing only")
            }
        }
    }

    /// `service-callbacks list`: every callback, never a token.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List services' callbacks (never their tokens).")

        @Option(help: ArgumentHelp("Only this service's callbacks (a UUID).", valueName: "id"))
        var service: String?

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if let service { _ = try KeysCommand.serviceID(service) }
        }

        func run() async throws {
            let serviceID = try service.map(KeysCommand.serviceID)
            let callbacks = try await Database.withWorkers(database) { workers in
                try await PostgresServiceCallbacks(workers: workers).list(service: serviceID)
            }
            guard !callbacks.isEmpty else {
                print("no service callbacks: register one with callback-gateway service-callbacks set --service ID --type delivery-status --url URL")
                return
            }
            var table = TextTable(columns: ["service", "type", "url", "registered", "changed"])
            for callback in callbacks {
                table.add([
                    UUIDText.lowercase(callback.serviceID), callback.type.rawValue, callback.url,
                    callback.createdAt.formatted(.iso8601), callback.updatedAt.formatted(.iso8601),
                ])
            }
            print(table.render(), terminator: "")
        }
    }

    /// `service-callbacks remove`: the service is no longer told.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a service's callback of one type.")

        @OptionGroup var callback: CallbackOptions

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (serviceID, callbackType) = try callback.resolved()
            let removed = try await Database.withWorkers(database) { workers in
                try await PostgresServiceCallbacks(workers: workers).remove(service: serviceID, type: callbackType)
            }
            guard removed else {
                Failure.report("service \(UUIDText.lowercase(serviceID)) has no \(callbackType.rawValue) callback: `service-callbacks list` shows them")
                throw Failure.runtime
            }
            print("removed the \(callbackType.rawValue) callback of service \(UUIDText.lowercase(serviceID))")
        }
    }

    /// `service-callbacks reseal`: after a new key is put first, seals every token with it.
    struct Reseal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal every token again with the first key of SERVICE_CALLBACK_ENCRYPTION_KEY (after rotating it)."
        )

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let sealer = try ServiceCallbacksCommand.sealer(ProcessInfo.processInfo.environment)
            let (resealed, unreadable) = try await Database.withWorkers(database) { workers -> (Int, [ServiceCallback]) in
                let store = PostgresServiceCallbacks(workers: workers)
                var resealed = 0
                var unreadable: [ServiceCallback] = []
                var randomness = SystemRandomNumberGenerator()
                for callback in try await store.list() where !sealer.isSealedWithCurrentKey(callback.sealedToken) {
                    guard let token = sealer.open(callback.sealedToken, service: callback.serviceID, type: callback.type) else {
                        unreadable.append(callback)
                        continue
                    }
                    guard let sealed = sealer.seal(token, service: callback.serviceID, type: callback.type, using: &randomness) else { continue }
                    if try await store.reseal(callback, with: sealed) { resealed += 1 }
                }
                return (resealed, unreadable)
            }
            print("sealed \(resealed) token\(resealed == 1 ? "" : "s") again with the first key")
            guard unreadable.isEmpty else {
                for callback in unreadable {
                    Failure.report("the token of service \(UUIDText.lowercase(callback.serviceID))'s \(callback.type.rawValue) callback opens with none of the keys: keep the key that sealed it in SERVICE_CALLBACK_ENCRYPTION_KEY, or set the callback again")
                }
                throw Failure.runtime
            }
        }
    }

    /// `--service` and `--type`: which callback a command is about.
    struct CallbackOptions: ParsableArguments {
        @Option(help: ArgumentHelp("The service (a UUID).", valueName: "id"))
        var service: String

        @Option(help: ArgumentHelp("delivery-status or complaint.", valueName: "type"))
        var type: String

        func validate() throws {
            _ = try resolved()
        }

        /// The service and the type, read.
        func resolved() throws -> (UUID, ServiceCallbackType) {
            (try KeysCommand.serviceID(service), try ServiceCallbacksCommand.callbackType(type))
        }
    }

    static func callbackType(_ text: String) throws -> ServiceCallbackType {
        guard let type = ServiceCallbackType(rawValue: text) else {
            throw ValidationError("--type '\(text)' is not a callback type: give delivery-status or complaint")
        }
        return type
    }

    /// The sealer of SERVICE_CALLBACK_ENCRYPTION_KEY, or exit 78 saying what to give. Read from the environment only,
    /// never a flag, so the key is not in the process list.
    static func sealer(_ environment: [String: String]) throws -> TokenSealer {
        guard let keys = environment["SERVICE_CALLBACK_ENCRYPTION_KEY"] else {
            Failure.report("SERVICE_CALLBACK_ENCRYPTION_KEY is not set: give 32 random bytes in base64 (`openssl rand -base64 32`); comma-separate several to rotate, the first sealing")
            throw Failure.configuration
        }
        do throws(TokenSealer.KeyError) {
            return try TokenSealer(keysText: keys)
        } catch {
            Failure.report(error.description)
            throw Failure.configuration
        }
    }

    /// The bearer token from standard input: one line, its line break dropped.
    static func readToken() throws -> String {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        if text.hasSuffix("\r") { text.removeLast() }
        guard !text.isEmpty else {
            Failure.report("no bearer token on standard input: pipe it in, e.g. `printf %s \"$TOKEN\" | callback-gateway service-callbacks set ...`")
            throw Failure.configuration
        }
        guard text.utf8.count <= 1000, text.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7e }) else {
            Failure.report("the bearer token on standard input must be one line of at most 1000 visible ASCII characters (it is sent in an Authorization header)")
            throw Failure.configuration
        }
        return text
    }
}
