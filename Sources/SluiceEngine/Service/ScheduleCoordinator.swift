import Logging
import SluiceCore
import SluiceScheduling

/// Keeps the ``Scheduler`` in step with the stored schedules: loads them (with their last
/// fire times) at start, and applies every create, update and delete made through the API.
/// It also answers the API's questions: next fire times, the queue, the run history.
public final class ScheduleCoordinator: Sendable {
    /// The job service schedules run through.
    public let service: JobService
    /// The scheduler.
    public let scheduler: Scheduler
    let logger: Logger
    /// Where runs are recorded: the service's state store.
    var store: any StateStore { service.store }

    /// A coordinator running jobs through `service`, recording runs in the service's store.
    public init(service: JobService, maxConcurrentJobs: Int, clock: any SchedulerClock = SystemSchedulerClock(), logger: Logger) {
        self.service = service
        self.logger = logger
        scheduler = Scheduler(
            clock: clock, executor: ScheduledJobs(service: service), recorder: service.store,
            configuration: SchedulerConfiguration(maxConcurrentJobs: maxConcurrentJobs), logger: logger)
    }

    /// Registers every stored schedule and starts firing (catching up missed fire times). A
    /// stored schedule that no longer evaluates here (its time zone is missing on this
    /// machine, say) is registered without fire times and logged, rather than keeping the
    /// server from starting; it can still be triggered and fixed through the API.
    public func start() async throws {
        let lastFireTimes = try await store.lastFireTimes()
        let definitions = try await service.store.schedules().map { spec in
            do {
                return try Self.definition(spec, lastFireTime: lastFireTimes[spec.id])
            } catch {
                logger.error("schedule cannot fire", metadata: ["scheduleId": "\(spec.id)", "error": "\(error)"])
                var definition = ScheduleDefinition(id: spec.id, fireTimes: nil, enabled: spec.enabled, dependsOn: spec.dependsOn)
                definition.lastFireTime = lastFireTimes[spec.id]
                return definition
            }
        }
        try await scheduler.register(contentsOf: definitions)
        try await scheduler.start()
    }

    /// Stops firing; running jobs get `grace` to finish.
    public func shutdown(grace: Duration) async {
        await scheduler.shutdown(grace: grace)
    }

    /// Validates (``JobService/saveSchedule(_:)`` checks the fire times too), stores and
    /// registers a new schedule.
    public func create(_ spec: ScheduleSpec) async throws -> ScheduleSpec {
        let stored = try await service.createSchedule(spec)
        try await scheduler.register(try Self.definition(stored, lastFireTime: nil))
        return stored
    }

    /// Validates, stores and re-registers a changed schedule.
    public func replace(_ spec: ScheduleSpec) async throws -> ScheduleSpec {
        let wasEnabled = try await service.store.schedule(id: spec.id)?.enabled ?? true
        let stored = try await service.saveSchedule(spec)
        try await apply(stored, wasEnabled: wasEnabled)
        return stored
    }

    /// Applies `changes` to the stored schedule `id`; `nil` when there is none.
    public func patch(id: String, changes: ValueObject) async throws -> ScheduleSpec? {
        let wasEnabled = try await service.store.schedule(id: id)?.enabled ?? true
        guard let stored = try await service.patchSchedule(id: id, changes: changes) else { return nil }
        try await apply(stored, wasEnabled: wasEnabled)
        return stored
    }

    /// Hands changed settings to the scheduler. A schedule enabled again starts from now:
    /// fire times that passed while it was disabled do not run.
    private func apply(_ stored: ScheduleSpec, wasEnabled: Bool) async throws {
        var definition = try Self.definition(stored, lastFireTime: nil)
        if !wasEnabled, stored.enabled {
            definition.enabled = false
            try await scheduler.update(definition)
            try await scheduler.setEnabled(stored.id, true)
        } else {
            try await scheduler.update(definition)
        }
    }

    /// Deletes a schedule no other depends on; whether there was one.
    public func delete(id: String) async throws -> Bool {
        guard try await service.deleteSchedule(id: id) else { return false }
        try await scheduler.remove(id)
        return true
    }

    /// Starts a run of `id` now (recorded with trigger `manual`).
    public func trigger(id: String) async throws -> RunRecord {
        let run = try await scheduler.trigger(id)
        await scheduler.flush()
        return run
    }

    /// The runs of `id`, newest first.
    public func runs(id: String, limit: Int) async throws -> [RunRecord] {
        await scheduler.flush()
        return try await store.scheduleRuns(scheduleId: id, limit: limit)
    }

    /// Runs waiting for a slot or for their retry delay.
    public func queue() async -> [RunRecord] { await scheduler.queue() }

    /// The next `count` fire times of `spec` from now (none for a dependent-only schedule).
    public static func nextFireTimes(_ spec: ScheduleSpec, count: Int, after now: Timestamp = .now()) -> [Timestamp] {
        guard let schedule = try? fireTimes(spec) else { return [] }
        return schedule.nextFireTimes(after: now, count: count)
    }

    /// The scheduler's view of `spec`.
    static func definition(_ spec: ScheduleSpec, lastFireTime: Timestamp?) throws -> ScheduleDefinition {
        let retry = spec.retryPolicy.map { policy in
            ScheduleRetry(
                maxRetries: policy.maxRetries, delay: .milliseconds(policy.retryDelay),
                backoffMultiplier: policy.backoffMultiplier ?? 1, maxDelay: policy.maxDelay.map { .milliseconds($0) },
                jitter: policy.jitter ?? 0)
        }
        return ScheduleDefinition(
            id: spec.id, fireTimes: try fireTimes(spec), enabled: spec.enabled, dependsOn: spec.dependsOn,
            retry: retry ?? .none, timeout: spec.timeout.map { .milliseconds($0) }, maxConcurrent: spec.maxConcurrent,
            overlap: OverlapPolicy(spec.overlap), catchUp: CatchUpPolicy(spec.catchUp), lastFireTime: lastFireTime)
    }

    /// When `spec` fires: its cron expression in its time zone, or its interval.
    public static func fireTimes(_ spec: ScheduleSpec) throws(SpecError) -> CronSchedule {
        if let interval = spec.interval {
            do {
                return CronSchedule(interval: try Interval(interval), anchor: Interval.epoch)
            } catch {
                throw error.prefixed("interval")
            }
        }
        return try CronSchedule(cron: spec.cron ?? "", timeZone: spec.timeZone ?? "UTC")
    }
}

extension OverlapPolicy {
    init(_ overlap: ScheduleSpec.Overlap) {
        switch overlap {
        case .skip: self = .skip
        case .queue: self = .queue
        case .allow: self = .allow
        }
    }
}

extension CatchUpPolicy {
    init(_ catchUp: ScheduleSpec.CatchUp) {
        switch catchUp {
        case .none: self = .none
        case .latest: self = .latest
        case .all: self = .all
        }
    }
}
