import SluiceCore

extension Scheduler {
    /// Recovers from the previous process and starts firing: runs it left `running` are
    /// marked failed ("interrupted by a restart") and retried by policy, runs it left
    /// `queued` are queued again, and missed fire times are caught up by each schedule's
    /// policy. Register the stored schedules first. Throws if the recorder cannot be read.
    public func start() async throws {
        guard phase == .idle else { return }
        let unfinished = try await recorder.unfinishedRuns()
        guard phase == .idle else { return }
        phase = .running
        let now = clock.now()
        for run in unfinished {
            recover(run, now: now)
        }
        catchUpAll(now: now)
        for scheduleId in entries.keys.sorted() {
            startTimer(scheduleId)
        }
        drain()
    }

    /// Starts the scheduler and returns once ``shutdown(grace:)`` has finished: the shape a
    /// service's `run()` wants (call `shutdown` from the graceful-shutdown handler).
    public func run() async throws {
        try await start()
        await waitUntilStopped()
    }

    /// Returns once the scheduler has stopped.
    public func waitUntilStopped() async {
        if phase == .stopped { return }
        await withCheckedContinuation { stopWaiters.append($0) }
    }

    /// Stops new firings at once, lets running jobs finish for up to `grace`, then cancels
    /// the rest (recorded failed, and retried after the next start if the policy allows).
    /// Queued runs and pending retries stay queued in the store for the next start. Returns
    /// after every write has reached the recorder.
    public func shutdown(grace: Duration) async {
        switch phase {
        case .stopped: return
        case .stopping:
            await waitUntilStopped()
            return
        case .idle, .running: break
        }
        phase = .stopping
        for scheduleId in entries.keys {
            entries[scheduleId]?.timer?.cancel()
            entries[scheduleId]?.timer = nil
        }
        for timer in retryTimers.values { timer.cancel() }
        retryTimers = [:]
        if !active.isEmpty {
            let deadline = SchedulerTime.adding(grace, to: clock.now())
            let reason = "cancelled by shutdown: still running when the grace period of \(SchedulerTime.describe(grace)) ran out"
            let graceTimer = Task { [clock] in
                do { try await clock.sleep(until: deadline) } catch { return }
                self.graceExpired(reason: reason)
            }
            await withCheckedContinuation { idleWaiters.append($0) }
            graceTimer.cancel()
        }
        await writer.flush()
        writer.finish()
        phase = .stopped
        let waiters = stopWaiters
        stopWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Cancels the runs still going when the shutdown grace period ends.
    func graceExpired(reason: String) {
        for (runId, run) in active {
            active[runId]?.stopReason = reason
            run.task?.cancel()
        }
    }

    /// Settles one run the previous process left unfinished.
    func recover(_ run: RunRecord, now: Timestamp) {
        guard entries[run.scheduleId] != nil else {
            var dropped = run
            dropped.status = run.status == .running ? .failed : .skipped
            dropped.endedAt = now
            dropped.reason = "schedule '\(run.scheduleId)' no longer exists"
            writer.save(dropped)
            return
        }
        switch run.status {
        case .running:
            var failed = run
            failed.status = .failed
            failed.endedAt = now
            failed.reason = "interrupted by a restart"
            writer.save(failed)
            concluded(failed)
        case .queued:
            submit(run, isNewFiring: false)
        case .completed, .failed, .timedOut, .skipped:
            break
        }
    }
}
