import CallbackCore
import CallbackStore
import Hummingbird
import Logging
import ServiceLifecycle

/// Wires the gateway: the routes on a router, the error envelope around them, and the background services.
///
/// - Parameters:
///   - configuration: the HTTP side's settings.
///   - store: where receipts are stored and applied.
///   - interpreter: the adapters and the mapping table in force.
///   - logger: the application's logger.
///   - services: further services to run alongside the server (the retrier is added here).
public func buildApplication(
    configuration: GatewayConfiguration,
    store: any ReceiptStore,
    interpreter: ReceiptInterpreter,
    logger: Logger,
    services: [any Service] = []
) -> some ApplicationProtocol {
    let router = buildRouter(configuration: configuration, store: store, interpreter: interpreter)
    let retrier = WaitingReceiptRetrier(store: store, interpreter: interpreter, configuration: configuration, logger: logger)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "callback-gateway"),
        logger: logger
    )
    app.addServices(retrier)
    for service in services { app.addServices(service) }
    return app
}

/// The router alone, with every route and middleware, for ``buildApplication(configuration:store:interpreter:logger:services:)``
/// and for tests that exercise routes without a socket.
public func buildRouter(
    configuration: GatewayConfiguration,
    store: any ReceiptStore,
    interpreter: ReceiptInterpreter
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ErrorEnvelopeMiddleware(maxBodyBytes: configuration.maxBodyBytes))
    StatusController(store: store).addRoutes(to: router)
    CallbackController(
        store: store,
        interpreter: interpreter,
        maxBodyBytes: configuration.maxBodyBytes,
        receiptLog: ReceiptLog()
    ).addRoutes(to: router)
    return router
}
