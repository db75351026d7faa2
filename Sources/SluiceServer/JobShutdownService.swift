import ServiceLifecycle
import SluiceEngine

/// Ends the server's jobs on SIGTERM or SIGINT. Listed last in the service group, so it is
/// the first to hear of the shutdown: it stops accepting jobs, gives running ones `grace` to
/// finish, then stops the rest (their targets are left as they were, their status recorded)
/// — so the HTTP server, shut down after it, never waits on a job.
public struct JobShutdownService: Service {
    let service: JobService
    let grace: Duration

    public init(service: JobService, grace: Duration) {
        self.service = service
        self.grace = grace
    }

    public func run() async throws {
        let service = self.service
        let grace = self.grace
        // Runs until shutdown begins, then until the jobs have ended.
        try? await gracefulShutdown()
        service.stopAccepting()
        await service.shutdown(grace: grace)
    }
}
