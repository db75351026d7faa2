import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SluiceEngine

/// Builds the HTTP application: every route of the API, JSON errors, token auth, CORS when
/// configured, and limits (body size, idle connections, slow request heads).
public enum SluiceApplication {
    /// The application for `service`, listening as `settings` say. `onRunning` receives the
    /// bound port once the server accepts connections (useful with `PORT=0`).
    public static func make(
        service: JobService,
        coordinator: ScheduleCoordinator,
        settings: SluiceSettings,
        logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        if !settings.corsOrigins.isEmpty {
            // Outermost: a preflight carries no token, and error answers need the headers too.
            router.add(middleware: CORSOriginsMiddleware(origins: settings.corsOrigins))
        }
        router.add(middleware: ErrorMiddleware(maxBodyBytes: settings.maxBodyBytes))
        if let token = settings.apiToken {
            router.add(middleware: TokenAuthMiddleware(token: Array(token.utf8)))
        }
        JobsController(service: service, maxBodyBytes: settings.maxBodyBytes).addRoutes(to: router)
        DeadLetterController(service: service).addRoutes(to: router)
        InsightController(service: service, apiToken: settings.apiToken.map { Array($0.utf8) }).addRoutes(to: router)
        SchedulesController(coordinator: coordinator, maxBodyBytes: settings.maxBodyBytes).addRoutes(to: router)
        PipelinesController(service: service, maxBodyBytes: settings.maxBodyBytes).addRoutes(to: router)
        IngestController(service: service, maxBodyBytes: settings.maxBodyBytes).addRoutes(to: router)
        WatermarksController(service: service).addRoutes(to: router)
        ComponentsController(service: service).addRoutes(to: router)
        let requestTimeout = TimeAmount.seconds(Int64(settings.requestTimeoutSeconds))
        let connections = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestHeadDeadlineHandler(timeout: requestTimeout)],
            idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds)))
        return Application(
            router: router,
            server: .http1(configuration: connections),
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: "sluice"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger
        )
    }
}
