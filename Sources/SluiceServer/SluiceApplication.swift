import Hummingbird
import Logging
import NIOCore
import SluiceEngine

/// Builds the HTTP application: every route of the API, JSON errors, token auth and limits.
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
        router.add(middleware: ErrorMiddleware(maxBodyBytes: settings.maxBodyBytes))
        if let token = settings.apiToken {
            router.add(middleware: TokenAuthMiddleware(token: Array(token.utf8)))
        }
        JobsController(service: service, maxBodyBytes: settings.maxBodyBytes).addRoutes(to: router)
        DeadLetterController(service: service).addRoutes(to: router)
        InsightController(service: service).addRoutes(to: router)
        SchedulesController(coordinator: coordinator, maxBodyBytes: settings.maxBodyBytes).addRoutes(to: router)
        PipelinesController(service: service, maxBodyBytes: settings.maxBodyBytes).addRoutes(to: router)
        WatermarksController(service: service).addRoutes(to: router)
        ComponentsController(service: service).addRoutes(to: router)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: "sluice"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger
        )
    }
}
