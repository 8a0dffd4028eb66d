import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Database outage")
struct DatabaseOutageTests {
    @Test("503 while the database is stopped, nothing acknowledged; recovery without restarting the gateway")
    func outageAndRecovery() async throws {
        try await DisposableCluster.with { cluster in try await outageAndRecovery(cluster) }
    }

    private func outageAndRecovery(_ cluster: DisposableCluster) async throws {
        let workers = DatabaseWorkers(configuration: DatabaseConfiguration(connectionString: cluster.url, poolSize: 2, connectTimeout: 2))
        _ = try await Migrator(workers: workers).migrate()
        let store = PostgresReceiptStore(workers: workers)
        let interpreter = ReceiptInterpreter(mappings: try DefaultMappings.table(), adapters: ReceiptInterpreter.standardAdapters)
        let router = buildRouter(configuration: GatewayConfiguration(), store: store, interpreter: interpreter)
        let app = Application(router: router, logger: CapturedLogs().logger())
        let id = UUID()
        try await app.test(.router) { client in
            #expect(try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "2")).0 == .ok)

            try await cluster.stopServer(mode: "immediate")
            let (status, answer) = try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0"))
            #expect(status == .serviceUnavailable)
            #expect(answer?.result == "error")
            let ready = try await client.execute(uri: "/_status/ready", method: .get) { $0.status }
            #expect(ready == .serviceUnavailable)

            try await cluster.startServer()
            // The gateway may answer 503 for up to a second after a failed connect; then it reconnects by itself.
            var readyAgain = HTTPResponse.Status.serviceUnavailable
            for _ in 0..<50 where readyAgain != .ok {
                try await Task.sleep(for: .milliseconds(100))
                readyAgain = try await client.execute(uri: "/_status/ready", method: .get) { $0.status }
            }
            #expect(readyAgain == .ok)
            let (after, recovered) = try await client.firetext(Bodies.firetext(reference: id.uuidString, status: "0"))
            #expect(after == .ok)
            #expect(recovered?.outcome == "waiting")
        }
        let stored = try await workers.run { connection throws(DatabaseError) in
            try connection.execute("SELECT count(*) AS n FROM callback_receipts")
        }
        #expect(stored.value("n") == "2")
        await workers.shutdownAndWait()
    }
}
