import ArgumentParser
import Logging
import ServiceLifecycle
import SluiceEngine
import SluiceServer

/// `sluice serve`: the HTTP API on its SQLite state.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the HTTP server (PORT, HOST, SLUICE_STATE, SLUICE_DATA_DIRS, SLUICE_API_TOKEN…).")

    func run() async throws {
        let env = try CommandEnvironment()
        let settings = env.settings
        // Anyone who can reach an open port could run jobs that read and write files here.
        if !Self.isLoopback(settings.host), settings.apiToken == nil {
            guard settings.environment["SLUICE_ALLOW_OPEN"] == "1" else {
                throw CommandFailure(
                    "refusing to listen on \(settings.host) without SLUICE_API_TOKEN: other machines could run jobs here. "
                        + "Set SLUICE_API_TOKEN, listen on 127.0.0.1, or set SLUICE_ALLOW_OPEN=1 to accept that risk")
            }
            env.logger.warning(
                "listening beyond loopback without SLUICE_API_TOKEN (SLUICE_ALLOW_OPEN=1): anyone who reaches the port can run jobs",
                metadata: ["host": "\(settings.host)"])
        }
        let store = try await SQLiteStateStore.open(path: settings.statePath)
        let service = JobService(store: store, planner: env.planner, runSettings: RunSettings(settings), logger: env.logger)
        try await service.recoverInterruptedJobs(resumeContinuous: true)
        let logger = env.logger
        let coordinator = ScheduleCoordinator(
            service: service, maxConcurrentJobs: settings.maxConcurrentJobs, logger: logger)
        try await coordinator.start()
        let app = SluiceApplication.make(service: service, coordinator: coordinator, settings: settings, logger: logger) { port in
            logger.info(
                "sluice listening",
                metadata: ["host": "\(settings.host)", "port": "\(port)", "state": "\(settings.statePath)",
                           "auth": "\(settings.apiToken == nil ? "off" : "bearer token")"])
        }
        var configuration = ServiceGroupConfiguration(
                services: [
                    .init(service: app),
                    .init(service: SchedulerService(coordinator: coordinator, grace: .seconds(settings.shutdownGraceSeconds))),
                    // Last, so the first to hear of a shutdown (services stop in reverse order).
                    .init(service: JobShutdownService(service: service, grace: .seconds(settings.shutdownGraceSeconds))),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger)
        // Whatever still runs this long after SIGTERM is cancelled, so the process always ends.
        configuration.maximumGracefulShutdownDuration = .seconds(settings.shutdownGraceSeconds + 15)
        try await ServiceGroup(configuration: configuration).run()
        await service.drain()
        await env.planner.resources.shutdown()  // database connection pools
        try await store.close()
    }

    /// Whether `host` only accepts connections from this machine.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
