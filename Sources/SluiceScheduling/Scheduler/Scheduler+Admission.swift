import SluiceCore

/// How a run's execution ended, before the scheduler turns it into a status.
enum ExecutionResult: Sendable {
    case completed(ExecutionOutcome)
    case timedOut
}

extension Scheduler {
    /// Admits a queued `run`: skips a new firing the overlap policy refuses, otherwise queues
    /// it and starts what can start. While stopping, the run is only persisted as queued so
    /// the next start picks it up.
    func submit(_ run: RunRecord, isNewFiring: Bool) {
        guard let definition = entries[run.scheduleId]?.definition else { return }
        if isNewFiring, definition.overlap == .skip, inProgress(run.scheduleId) >= definition.concurrencyLimit {
            var skipped = run
            skipped.status = .skipped
            skipped.endedAt = clock.now()
            skipped.reason =
                definition.concurrencyLimit == 1
                ? "the previous run is still in progress (overlap policy skip)"
                : "\(definition.concurrencyLimit) runs are already in progress (maxConcurrent, overlap policy skip)"
            writer.save(skipped)
            concluded(skipped)
            return
        }
        waiting.append(run)
        writer.save(run)
        guard phase == .running else { return }
        if let notBefore = run.notBefore, notBefore > clock.now() {
            retryTimers[run.id] = Task { [clock] in
                do { try await clock.sleep(until: notBefore) } catch { return }
                self.retryTimeCame(run.id)
            }
        }
        drain()
    }

    /// A retry's delay is over.
    func retryTimeCame(_ runId: String) {
        retryTimers[runId] = nil
        drain()
    }

    /// Runs of `scheduleId` not finished: running, queued or waiting for a retry.
    func inProgress(_ scheduleId: String) -> Int {
        active.values.count { $0.record.scheduleId == scheduleId } + waiting.count { $0.scheduleId == scheduleId }
    }

    /// Starts every queued run the limits allow, in queue order. A run that must wait does
    /// not hold up other schedules' runs; under `queue`, it holds up its own schedule's.
    func drain() {
        guard phase == .running else { return }
        let now = clock.now()
        var heldSchedules: Set<String> = []
        var index = 0
        while index < waiting.count, active.count < configuration.maxConcurrentJobs {
            let run = waiting[index]
            guard let definition = entries[run.scheduleId]?.definition else {
                index += 1
                continue
            }
            let ready =
                !heldSchedules.contains(run.scheduleId) && (run.notBefore.map { $0 <= now } ?? true)
                && active.values.count(where: { $0.record.scheduleId == run.scheduleId }) < definition.concurrencyLimit
            if ready {
                waiting.remove(at: index)
                start(run, definition: definition, now: now)
            } else {
                if definition.overlap == .queue { heldSchedules.insert(run.scheduleId) }
                index += 1
            }
        }
    }

    /// Marks `run` running and hands it to the executor, with its timeout.
    func start(_ run: RunRecord, definition: ScheduleDefinition, now: Timestamp) {
        retryTimers.removeValue(forKey: run.id)?.cancel()
        var record = run
        record.status = .running
        record.startedAt = now
        writer.save(record)
        let request = RunRequest(
            runId: record.id, scheduleId: record.scheduleId, trigger: record.trigger, dueTime: record.dueTime,
            attempt: record.attempt)
        let deadline = definition.timeout.map { SchedulerTime.adding($0, to: now) }
        let task = Task { [executor, clock] in
            let result = await Scheduler.execute(request, executor: executor, clock: clock, deadline: deadline)
            self.finished(record.id, result: result)
        }
        active[record.id] = ActiveRun(record: record, task: task, timeout: definition.timeout, stopReason: nil)
    }

    /// Runs the executor, racing it against the deadline. On timeout the executor's task is
    /// cancelled and awaited, so the run ends only once the executor has stopped.
    nonisolated static func execute(
        _ request: RunRequest, executor: any ScheduledJobExecutor, clock: any SchedulerClock, deadline: Timestamp?
    ) async -> ExecutionResult {
        guard let deadline else { return .completed(await executor.run(request)) }
        return await withTaskGroup(of: ExecutionResult?.self) { group in
            group.addTask { .completed(await executor.run(request)) }
            group.addTask {
                do {
                    try await clock.sleep(until: deadline)
                    return .timedOut
                } catch {
                    return nil
                }
            }
            var result: ExecutionResult?
            while result == nil, let next = await group.next() {
                result = next
            }
            group.cancelAll()
            // The executor's answer after a timeout is not wanted, but it is awaited when
            // the group ends: the target must be rolled back before the slot is freed.
            return result ?? .timedOut
        }
    }
}
