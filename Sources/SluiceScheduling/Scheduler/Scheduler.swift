import Logging
import SluiceCore

/// Fires schedules exactly once per due time and runs them through an injected executor,
/// with retries, timeouts, dependencies, concurrency limits, a visible queue, catch-up after
/// downtime, crash recovery and a graceful shutdown.
///
/// Life cycle: create it, ``register(contentsOf:)`` the stored schedules, then ``run()``
/// (or ``start()``) it; call ``shutdown(grace:)`` on SIGTERM. Every run attempt is written
/// to the ``ScheduleRunRecorder`` in order, from a single writer task.
///
/// All methods are synchronous inside the actor except start-up and shutdown: the store is
/// written through a queue rather than awaited, so no state changes half-way through a method.
public actor Scheduler {
    enum Phase { case idle, running, stopping, stopped }

    /// A registered schedule and its timer.
    struct Entry {
        var definition: ScheduleDefinition
        /// Bumped whenever the timer is replaced, so a stale timer's firing is ignored.
        var generation: Int
        /// Fire times strictly after this are still to come; `nil` until the scheduler starts.
        var cursor: Timestamp?
        var timer: Task<Void, Never>?
    }

    /// A run the executor is working on.
    struct ActiveRun {
        var record: RunRecord
        var task: Task<Void, Never>?
        var timeout: Duration?
        /// Set when shutdown cancelled the run; becomes its failure reason.
        var stopReason: String?
    }

    /// A downstream schedule's view of its upstreams' outcomes for one due time.
    enum DependencyState {
        case waiting([String: RunStatus])
        case resolved
    }

    /// Due times of dependency bookkeeping kept per downstream schedule; older ones are
    /// forgotten (upstreams with unrelated fire times never complete a due time together).
    static let dependencyMemory = 256

    let clock: any SchedulerClock
    let executor: any ScheduledJobExecutor
    let recorder: any ScheduleRunRecorder
    let configuration: SchedulerConfiguration
    let logger: Logger
    let writer: RunWriter
    var random: SplitMix64

    var phase = Phase.idle
    var entries: [String: Entry] = [:]
    var active: [String: ActiveRun] = [:]
    /// Runs waiting for a slot or for their retry time, in the order they were queued.
    var waiting: [RunRecord] = []
    var retryTimers: [String: Task<Void, Never>] = [:]
    var dependencyStates: [String: [Timestamp: DependencyState]] = [:]
    var idleWaiters: [CheckedContinuation<Void, Never>] = []
    var stopWaiters: [CheckedContinuation<Void, Never>] = []

    /// A scheduler that runs schedules through `executor` and records them with `recorder`.
    public init(
        clock: any SchedulerClock = SystemSchedulerClock(), executor: any ScheduledJobExecutor,
        recorder: any ScheduleRunRecorder, configuration: SchedulerConfiguration = SchedulerConfiguration(),
        logger: Logger
    ) {
        self.clock = clock
        self.executor = executor
        self.recorder = recorder
        self.configuration = configuration
        self.logger = logger
        writer = RunWriter(recorder: recorder, logger: logger)
        var seeder = SystemRandomNumberGenerator()
        random = SplitMix64(seed: configuration.jitterSeed ?? seeder.next())
    }

    // MARK: Queries

    /// Runs waiting to start, in queue order: those over a concurrency limit and retries
    /// waiting for their delay (with `notBefore` set).
    public func queue() -> [RunRecord] {
        waiting
    }

    /// Runs the executor is working on, oldest first.
    public func activeRuns() -> [RunRecord] {
        active.values.map(\.record).sorted { ($0.startedAt ?? $0.createdAt, $0.id) < ($1.startedAt ?? $1.createdAt, $1.id) }
    }

    /// The next time `scheduleId` fires on its own, or `nil` (disabled, dependent, no fire
    /// times, unknown).
    public func nextFireTime(of scheduleId: String) -> Timestamp? {
        guard let entry = entries[scheduleId], entry.definition.enabled, entry.definition.dependsOn.isEmpty,
            let fireTimes = entry.definition.fireTimes
        else { return nil }
        return fireTimes.nextFireTime(after: entry.cursor ?? clock.now())
    }

    /// Returns once every run change made so far has reached the recorder (e.g. before
    /// answering a trigger request, so that the history already shows the run).
    public func flush() async {
        await writer.flush()
    }

    /// The ids of the registered schedules, sorted.
    public func scheduleIds() -> [String] {
        entries.keys.sorted()
    }
}
