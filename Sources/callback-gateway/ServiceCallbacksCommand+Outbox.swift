import ArgumentParser
import CallbackCore
import CallbackStore
import Foundation

extension ServiceCallbacksCommand {
    /// `service-callbacks outbox`: the callbacks owed and given up (a sent one leaves the outbox).
    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the callbacks in the outbox, newest first: pending, failed (refused) or dead (given up); a callback sent leaves it."
        )

        @Option(help: ArgumentHelp("Only this state: pending, failed or dead.", valueName: "state"))
        var state: String?

        @Option(help: ArgumentHelp("Only this service's callbacks (a UUID).", valueName: "id"))
        var service: String?

        @Option(help: ArgumentHelp("At most this many rows. Default 100.", valueName: "n"))
        var limit: Int = 100

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if let state { _ = try ServiceCallbacksCommand.outboxState(state, allowed: OutboxState.allCases) }
            if let service { _ = try KeysCommand.serviceID(service) }
            guard (1...100_000).contains(limit) else {
                throw ValidationError("--limit \(limit) is out of range: give 1 to 100000")
            }
        }

        func run() async throws {
            let state = try state.map { try ServiceCallbacksCommand.outboxState($0, allowed: OutboxState.allCases) }
            let serviceID = try service.map(KeysCommand.serviceID)
            let entries = try await Database.withWorkers(database) { workers in
                try await PostgresServiceCallbackOutbox(workers: workers).list(state: state, service: serviceID, limit: limit)
            }
            guard !entries.isEmpty else {
                print("no service callbacks\(state.map { " \($0.rawValue)" } ?? "") in the outbox")
                return
            }
            var table = TextTable(columns: ["id", "state", "type", "service", "notification", "attempts", "last status", "last error", "created", "next attempt"])
            for entry in entries {
                table.add([
                    String(entry.id), entry.state.rawValue, entry.type.rawValue, UUIDText.lowercase(entry.serviceID),
                    UUIDText.lowercase(entry.notificationID), String(entry.attempts), entry.lastStatusCode.map(String.init) ?? "",
                    entry.lastError ?? "", entry.createdAt.formatted(.iso8601),
                    entry.state == .pending ? entry.nextAttemptAt.formatted(.iso8601) : "",
                ])
            }
            print(table.render(), terminator: "")
        }
    }

    /// `service-callbacks redrive`: sends given-up callbacks again.
    struct Redrive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send dead (or failed) callbacks again: they become pending, due now, with their attempts counted afresh.",
            discussion: """
                Each keeps its idempotency key, so a service that did receive an earlier attempt can drop the repeat. \
                A re-driven callback is sent even if later ones for its notification were sent meanwhile: its payload \
                carries its own status and times.
                """
        )

        @Option(help: ArgumentHelp("dead or failed.", valueName: "state"))
        var state: String

        @Option(help: ArgumentHelp("Only this service's callbacks (a UUID).", valueName: "id"))
        var service: String?

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            _ = try ServiceCallbacksCommand.outboxState(state, allowed: [.dead, .failed])
            if let service { _ = try KeysCommand.serviceID(service) }
        }

        func run() async throws {
            let state = try ServiceCallbacksCommand.outboxState(state, allowed: [.dead, .failed])
            let serviceID = try service.map(KeysCommand.serviceID)
            let count = try await Database.withWorkers(database) { workers in
                try await PostgresServiceCallbackOutbox(workers: workers).redrive(state: state, service: serviceID)
            }
            print("re-drove \(count) \(state.rawValue) callback\(count == 1 ? "" : "s"): the dispatcher sends them now")
        }
    }

    static func outboxState(_ text: String, allowed: [OutboxState]) throws -> OutboxState {
        guard let state = OutboxState(rawValue: text), allowed.contains(state) else {
            throw ValidationError("--state '\(text)' is not one of \(allowed.map(\.rawValue).joined(separator: ", "))")
        }
        return state
    }
}
