import CallbackCore
import CallbackServer
import CallbackStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport

/// The gateway's router on a test database, with its logs captured.
///
/// SNS messages are verified as in production: certificates from `fixtures/sns`, the fixtures' topic allowed.
/// Subscriptions are confirmed through ``subscriptionOpener``, which stands in for Amazon SNS.
struct Harness {
    let database: TestDatabase
    let logs = CapturedLogs()
    let configuration: GatewayConfiguration
    let interpreter: ReceiptInterpreter
    /// Answers the gateway's subscription confirmations (200 unless told otherwise) and records them.
    let subscriptionOpener = RecordingOpener()

    /// `providers`: the providers' credentials and signature checks, by default those the fixtures are signed for;
    /// credentials `configuration` gives win.
    init(
        database: TestDatabase, configuration: GatewayConfiguration = GatewayConfiguration(), mappings: MappingTable? = nil,
        sns: SNSConfiguration = .fixtures, providers: ProviderConfiguration? = nil
    ) throws {
        self.database = database
        let providers = try providers ?? ProviderConfiguration.resolve(SNSFixtures.providerSettings)
        var configuration = configuration
        configuration.sns = sns
        configuration.providerCredentials = providers.credentials.merging(configuration.providerCredentials) { $1 }
        configuration.authenticators = providers.authenticators.merging(configuration.authenticators) { $1 }
        configuration.providerBodyLimits = providers.bodyLimits.merging(configuration.providerBodyLimits) { $1 }
        self.configuration = configuration
        self.interpreter = ReceiptInterpreter(mappings: try mappings ?? DefaultMappings.table(), adapters: ReceiptInterpreter.standardAdapters)
    }

    /// Runs `body` with a client of the router; `sns` replaces the SNS gate built from the configuration, and
    /// `clock` the system clock.
    func test<T>(
        store: (any ReceiptStore)? = nil, sns: SNSMessageGate? = nil, clock: any WallClock = SystemClock(),
        metrics: GatewayMetrics = .disabled,
        _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let router = self.router(store: store, sns: sns, clock: clock, metrics: metrics)
        let app = Application(router: router, logger: logs.logger())
        return try await app.test(.router, body)
    }

    /// The router `test` runs requests through.
    func router(
        store: (any ReceiptStore)? = nil, sns: SNSMessageGate? = nil, clock: any WallClock = SystemClock(),
        metrics: GatewayMetrics = .disabled
    ) -> Router<BasicRequestContext> {
        let sns = sns ?? SNSMessageGate(configuration: configuration.sns, subscriptionOpener: subscriptionOpener)
        return buildRouter(
            configuration: configuration, store: store ?? database.store, apiKeys: PostgresAPIKeys(workers: database.workers),
            interpreter: interpreter, metrics: metrics, sns: sns, clock: clock
        )
    }

    /// The background retrier, to drain due receipts on demand.
    var retrier: WaitingReceiptRetrier {
        WaitingReceiptRetrier(store: database.store, interpreter: interpreter, configuration: configuration, logger: logs.logger())
    }
}

/// A decoded `{"result": ...}` answer.
struct Answer: Decodable, Equatable {
    var result: String
    var outcome: String?
    var status: String?
    var message: [String]?
    /// A batch's outcomes, counted.
    var outcomes: [String: Int]?
}

extension TestClientProtocol {
    /// Posts a body to a route and returns the status and decoded answer.
    func post(_ path: String, _ body: String, contentType: String?, headers extra: HTTPFields = [:]) async throws -> (HTTPResponse.Status, Answer?) {
        var headers = extra
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status, try? JSONDecoder().decode(Answer.self, from: Data(response.body.readableBytesView)))
        }
    }

    func firetext(_ body: String) async throws -> (HTTPResponse.Status, Answer?) {
        try await post("/notifications/sms/firetext", body, contentType: Bodies.firetextType)
    }

    func mmg(_ body: String) async throws -> (HTTPResponse.Status, Answer?) {
        try await post("/notifications/sms/mmg", body, contentType: Bodies.mmgType)
    }

    func ses(_ body: String) async throws -> (HTTPResponse.Status, Answer?) {
        try await post("/notifications/email/ses", body, contentType: Bodies.snsType, headers: [HTTPField.Name("x-amz-sns-message-type")!: "Notification"])
    }
}

extension SNSConfiguration {
    /// Verification on, certificates from `fixtures/sns`, the fixtures' topic allowed: what every gateway under
    /// test runs with.
    static var fixtures: SNSConfiguration {
        SNSConfiguration(topicARNs: [SNSFixtures.topicARN], certificateDirectory: SNSFixtures.certificateDirectory)
    }
}
