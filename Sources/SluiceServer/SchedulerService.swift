import ServiceLifecycle
import SluiceEngine

/// The scheduler as a service of the server's service group, once
/// ``ScheduleCoordinator/start()`` has loaded the stored schedules (before the HTTP server
/// accepts requests, so API changes never race the loading): it runs until SIGTERM, then
/// stops firing and gives running jobs `grace` to finish before they are cancelled (their
/// targets are left untouched and a retry is recorded).
public struct SchedulerService: Service {
    let coordinator: ScheduleCoordinator
    let grace: Duration

    public init(coordinator: ScheduleCoordinator, grace: Duration) {
        self.coordinator = coordinator
        self.grace = grace
    }

    public func run() async throws {
        let coordinator = self.coordinator
        let grace = self.grace
        await withGracefulShutdownHandler {
            await coordinator.scheduler.waitUntilStopped()
        } onGracefulShutdown: {
            Task { await coordinator.shutdown(grace: grace) }
        }
    }
}
