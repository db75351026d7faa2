import SluiceCore

extension Scheduler {
    /// Records how a run ended, then retries it, or passes its final outcome downstream.
    func finished(_ runId: String, result: ExecutionResult) {
        guard let run = active.removeValue(forKey: runId) else { return }
        var record = run.record
        record.endedAt = clock.now()
        if let stopReason = run.stopReason {
            record.status = .failed
            record.reason = stopReason
        } else {
            switch result {
            case .timedOut:
                record.status = .timedOut
                record.reason = "timed out after \(run.timeout.map(SchedulerTime.describe) ?? "its timeout")"
            case .completed(let outcome):
                record.status = outcome.succeeded ? .completed : .failed
                record.reason = outcome.succeeded ? nil : (outcome.reason ?? "the job failed")
                record.jobId = outcome.jobId
            }
        }
        writer.save(record)
        concluded(record)
        if active.isEmpty {
            let waiters = idleWaiters
            idleWaiters = []
            for waiter in waiters { waiter.resume() }
        }
        drain()
    }

    /// Schedules the retry of a failed or timed-out attempt when the policy allows one,
    /// otherwise treats `record` as the final outcome for its due time.
    func concluded(_ record: RunRecord) {
        if record.status.isRetryable, let definition = entries[record.scheduleId]?.definition,
            record.attempt <= definition.retry.maxRetries
        {
            let end = record.endedAt ?? clock.now()
            let delay = definition.retry.delayMicroseconds(afterAttempt: record.attempt, random: &random)
            let retry = RunRecord(
                id: configuration.makeRunID(), scheduleId: record.scheduleId, trigger: .retry, dueTime: record.dueTime,
                attempt: record.attempt + 1, status: .queued, createdAt: end,
                notBefore: SchedulerTime.adding(microseconds: delay, to: end))
            submit(retry, isNewFiring: false)
            return
        }
        notifyDownstream(of: record)
    }

    /// Tells each schedule depending on `record`'s schedule how the upstream ended for the
    /// due time: all upstreams succeeded starts the downstream run; any other outcome skips
    /// it with the reason (and so skips its own downstreams in turn).
    func notifyDownstream(of record: RunRecord) {
        let upstream = record.scheduleId
        let downstreams = entries.values.filter { $0.definition.dependsOn.contains(upstream) }.map(\.definition).sorted {
            $0.id < $1.id
        }
        for downstream in downstreams {
            var states = dependencyStates[downstream.id, default: [:]]
            var outcomes: [String: RunStatus]
            switch states[record.dueTime] {
            case .resolved: continue
            case .waiting(let known): outcomes = known
            case nil: outcomes = [:]
            }
            outcomes[upstream] = record.status
            if record.status != .completed {
                states[record.dueTime] = .resolved
                dependencyStates[downstream.id] = Scheduler.pruned(states)
                guard downstream.enabled else { continue }
                var skipped = newRun(downstream.id, trigger: .dependency, dueTime: record.dueTime)
                skipped.status = .skipped
                skipped.endedAt = clock.now()
                skipped.reason = "upstream '\(upstream)' \(Scheduler.describe(record.status)) for this due time"
                writer.save(skipped)
                notifyDownstream(of: skipped)
            } else if downstream.dependsOn.allSatisfy({ outcomes[$0] == .completed }) {
                states[record.dueTime] = .resolved
                dependencyStates[downstream.id] = Scheduler.pruned(states)
                guard downstream.enabled else { continue }
                submit(newRun(downstream.id, trigger: .dependency, dueTime: record.dueTime), isNewFiring: true)
            } else {
                states[record.dueTime] = .waiting(outcomes)
                dependencyStates[downstream.id] = Scheduler.pruned(states)
            }
        }
    }

    /// `states` without its oldest due times beyond ``dependencyMemory``.
    static func pruned(_ states: [Timestamp: DependencyState]) -> [Timestamp: DependencyState] {
        guard states.count > dependencyMemory else { return states }
        var kept = states
        for due in states.keys.sorted().prefix(states.count - dependencyMemory) { kept[due] = nil }
        return kept
    }

    /// How an upstream outcome reads in a skip reason.
    static func describe(_ status: RunStatus) -> String {
        switch status {
        case .failed: return "failed"
        case .timedOut: return "timed out"
        case .skipped: return "was skipped"
        case .completed: return "completed"
        case .queued, .running: return "did not finish"
        }
    }
}
