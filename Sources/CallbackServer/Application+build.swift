import CallbackCore
import CallbackStore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Wires the gateway: the routes on a router, the error envelope around them, and the background services.
///
/// - Parameters:
///   - configuration: the HTTP side's settings.
///   - store: where receipts are stored and applied.
///   - interpreter: the adapters and the mapping table in force.
///   - logger: the application's logger.
///   - metrics: where counters and timers go (StatsD, Prometheus, both or nowhere). With Prometheus on, the waiting
///     receipts are read periodically for its gauges, and `GET /metrics` is served: on
///     `configuration.metricsAddress` when there is one, else on the main port behind the admin token.
///   - alerter: where unknown statuses are reported (a webhook), or `nil`; it runs as one of the services.
///   - services: further services to run alongside the server (the retrier is added here).
///   - apiKeys: the services' API keys, for the receipts API; without them, its route is not served.
public func buildApplication(
    configuration: GatewayConfiguration,
    store: any ReceiptStore,
    apiKeys: (any APIKeyStore)? = nil,
    interpreter: ReceiptInterpreter,
    logger: Logger,
    metrics: GatewayMetrics = .disabled,
    alerter: UnmappedAlerter? = nil,
    services: [any Service] = []
) -> some ApplicationProtocol {
    let measuredStore = MeasuredReceiptStore(store, metrics: metrics)
    let budget = BodyBudget(limit: configuration.maxBufferedBodyBytes)
    let router = buildRouter(
        configuration: configuration, store: measuredStore, apiKeys: apiKeys, interpreter: interpreter, metrics: metrics,
        alerter: alerter, bodyBudget: budget
    )
    let retrier = WaitingReceiptRetrier(
        store: measuredStore, interpreter: interpreter, configuration: configuration, logger: logger, metrics: metrics
    )
    let readTimeout = TimeAmount.milliseconds(Int64(configuration.requestReadTimeout * 1000))
    let connections = ConnectionTable(limit: configuration.maxConnections, metrics: metrics)
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [
            ClientConnectionHandler(timeout: readTimeout, table: connections, budget: budget, bodyLimits: BodyLimits(configuration)),
        ])),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "callback-gateway",
            // Room for a burst of connections between two accepts; the kernel caps it at net.core.somaxconn.
            backlog: 1024
        ),
        logger: logger
    )
    app.addServices(retrier, MemoryTrimmer(table: connections, logger: logger))
    if let alerter { app.addServices(alerter) }
    if metrics.prometheus != nil {
        app.addServices(WaitingBacklogMonitor(store: measuredStore, metrics: metrics, logger: logger))
    }
    if let prometheus = metrics.prometheus, let address = configuration.metricsAddress {
        app.addServices(metricsApplication(prometheus, address: address, configuration: configuration, logger: logger))
    }
    for service in services { app.addServices(service) }
    return app
}

/// The server of the separate metrics address: `GET /metrics` without a token, nothing else (404 in the error
/// envelope). Its requests are not counted in the request series, which describe the gateway's own traffic.
private func metricsApplication(
    _ prometheus: PrometheusMetrics, address: ListenAddress, configuration: GatewayConfiguration, logger: Logger
) -> some Service {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ErrorEnvelopeMiddleware(maxBodyBytes: configuration.maxBodyBytes))
    MetricsController(prometheus: prometheus).addRoutes(to: router, token: nil)
    return Application(
        router: router,
        configuration: .init(address: .hostname(address.host, port: address.port), serverName: "callback-gateway"),
        logger: logger
    )
}

/// The router alone, with every route and middleware, for
/// ``buildApplication(configuration:store:interpreter:logger:metrics:alerter:services:)`` and for tests that exercise
/// routes without a socket. `store` is used as given: wrap it in ``MeasuredReceiptStore`` for `dao.` metrics.
/// `sns` replaces the SNS gate built from `configuration.sns` (tests give one with a local certificate fetcher or
/// confirmation opener). `clock` tells the statistics which day is today. `bodyBudget` is shared with the
/// connections' handlers when there are any; without one, the router has a budget of its own. `apiKeys`, when
/// given, serves the receipts API.
public func buildRouter(
    configuration: GatewayConfiguration,
    store: any ReceiptStore,
    apiKeys: (any APIKeyStore)? = nil,
    interpreter: ReceiptInterpreter,
    metrics: GatewayMetrics = .disabled,
    alerter: UnmappedAlerter? = nil,
    sns: SNSMessageGate? = nil,
    clock: any WallClock = SystemClock(),
    bodyBudget: BodyBudget? = nil
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    // Outermost, so it sees the status the client gets, after errors became answers.
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    // Around the limit, so that a body over MAX_BODY_BYTES, found while the limit reads it, is a 413 of the contract.
    router.add(middleware: ErrorEnvelopeMiddleware(maxBodyBytes: configuration.maxBodyBytes))
    router.add(middleware: ConcurrencyLimitMiddleware(
        limit: configuration.maxConcurrentRequests,
        bodyLimits: BodyLimits(configuration),
        budget: bodyBudget ?? BodyBudget(limit: configuration.maxBufferedBodyBytes)
    ))
    StatusController(store: store).addRoutes(to: router)
    if let token = configuration.adminToken {
        AdminController(store: store, token: token, clock: clock).addRoutes(to: router)
        DashboardController(
            store: store, token: token, clock: clock, secureCookie: !configuration.dashboardPlainHTTP, throttle: SignInThrottle()
        ).addRoutes(to: router)
        // On the main port only when there is no metrics address of its own, and like /admin only with a token.
        if let prometheus = metrics.prometheus, configuration.metricsAddress == nil {
            MetricsController(prometheus: prometheus).addRoutes(to: router, token: token)
        }
    }
    if let apiKeys {
        ReceiptsAPIController(store: store, keys: ServiceKeyCheck(keys: apiKeys)).addRoutes(to: router)
    }
    CallbackController(
        store: store,
        interpreter: interpreter,
        bodyLimits: BodyLimits(configuration),
        receiptLog: ReceiptLog(),
        receiptMetrics: ReceiptMetrics(metrics: metrics),
        alerter: alerter,
        sns: sns ?? SNSMessageGate(configuration: configuration.sns),
        authenticators: configuration.authenticators,
        clock: clock
    ).addRoutes(to: router, credentials: configuration.providerCredentials)
    return router
}
