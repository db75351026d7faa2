import Logging
import SluiceCore
import Synchronization
import Testing

@testable import SluiceScheduling

/// 2024-01-01T00:00:00Z.
let baseTime = Timestamp(microseconds: 1_704_067_200_000_000)

/// `baseTime` plus `seconds`.
func afterSeconds(_ seconds: Int64) -> Timestamp {
    Timestamp(microseconds: baseTime.microseconds + seconds * 1_000_000)
}

/// `baseTime` plus `minutes`.
func afterMinutes(_ minutes: Int64) -> Timestamp {
    afterSeconds(minutes * 60)
}

/// Run ids `r1`, `r2`, … in creation order.
final class RunIDs: Sendable {
    private let count = Mutex(0)

    func next() -> String {
        count.withLock { count in
            count += 1
            return "r\(count)"
        }
    }
}

/// Waits, by yielding only, until `condition` holds; false if it never does.
func eventuallyTrue(_ condition: () async -> Bool) async -> Bool {
    for _ in 0..<50_000 {
        if await condition() { return true }
        await Task.yield()
    }
    return await condition()
}

/// Yields a while so that anything wrongly still in flight would show up.
func settleTasks() async {
    for _ in 0..<2_000 { await Task.yield() }
}

/// A scheduler on a manual clock, with an in-memory recorder and predictable run ids.
struct SchedulerHarness {
    let clock: ManualClock
    let executor: ScriptedExecutor
    let recorder: InMemoryRunRecorder
    let scheduler: Scheduler

    init(
        now: Timestamp = baseTime, executor: ScriptedExecutor = ScriptedExecutor(),
        recorder: InMemoryRunRecorder = InMemoryRunRecorder(), maxConcurrentJobs: Int = 4, jitterSeed: UInt64 = 1
    ) {
        clock = ManualClock(now: now)
        self.executor = executor
        self.recorder = recorder
        let ids = RunIDs()
        scheduler = Scheduler(
            clock: clock, executor: executor, recorder: recorder,
            configuration: SchedulerConfiguration(
                maxConcurrentJobs: maxConcurrentJobs, jitterSeed: jitterSeed, makeRunID: { ids.next() }),
            logger: Logger(label: "scheduler-test"))
    }

    /// The records of `scheduleId` once every queued write has reached the recorder.
    func runs(_ scheduleId: String) async -> [RunRecord] {
        await scheduler.flush()
        return await recorder.runs(of: scheduleId)
    }

    /// Waits until the recorder holds `count` records of `scheduleId` that are finished.
    func waitForFinished(_ scheduleId: String, count: Int) async -> Bool {
        await eventuallyTrue { await recorder.runs(of: scheduleId).count { $0.status.isFinished } >= count }
    }

    /// Waits until the executor has received `count` requests.
    func waitForRequests(_ count: Int) async -> Bool {
        await eventuallyTrue { await executor.requests.count >= count }
    }

    /// Waits until some task sleeps until `deadline`.
    func waitForSleeper(at deadline: Timestamp) async -> Bool {
        await eventuallyTrue { clock.deadlines.contains(deadline) }
    }
}

/// Every minute, on the minute.
func everyMinute() throws -> CronExpression {
    try CronExpression("* * * * *")
}
