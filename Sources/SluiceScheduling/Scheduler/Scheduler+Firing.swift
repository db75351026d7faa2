import SluiceCore

extension Scheduler {
    /// (Re)starts the timer of `scheduleId` if it should fire on its own.
    func startTimer(_ scheduleId: String) {
        guard phase == .running, var entry = entries[scheduleId] else { return }
        entry.timer?.cancel()
        entry.timer = nil
        let definition = entry.definition
        if definition.enabled, definition.dependsOn.isEmpty, definition.fireTimes != nil {
            entry.timer = Task { [clock] in
                await Scheduler.timerLoop(self, scheduleId: scheduleId, generation: entry.generation, clock: clock)
            }
        }
        entries[scheduleId] = entry
    }

    /// Sleeps until each next due time and fires it, until cancelled or superseded.
    nonisolated static func timerLoop(
        _ scheduler: Scheduler, scheduleId: String, generation: Int, clock: any SchedulerClock
    ) async {
        while !Task.isCancelled {
            guard let due = await scheduler.nextDue(scheduleId, generation: generation) else { return }
            do { try await clock.sleep(until: due) } catch { return }
            await scheduler.fire(scheduleId, due: due, generation: generation)
        }
    }

    /// The next due time of a timer that is still current.
    func nextDue(_ scheduleId: String, generation: Int) -> Timestamp? {
        guard phase == .running, let entry = entries[scheduleId], entry.generation == generation,
            let cursor = entry.cursor
        else { return nil }
        return entry.definition.fireTimes?.nextFireTime(after: cursor)
    }

    /// Fires `due` unless the timer is stale or the time was already fired: the cursor only
    /// moves forward, which is what makes each due time fire once.
    func fire(_ scheduleId: String, due: Timestamp, generation: Int) {
        guard phase == .running, var entry = entries[scheduleId], entry.generation == generation,
            entry.definition.enabled, let cursor = entry.cursor, due > cursor
        else { return }
        entry.cursor = due
        entries[scheduleId] = entry
        writer.saveLastFireTime(due, scheduleId: scheduleId)
        submit(newRun(scheduleId, trigger: .scheduled, dueTime: due), isNewFiring: true)
    }

    /// Sets the cursor of every schedule at startup, running missed fire times by its
    /// catch-up policy.
    func catchUpAll(now: Timestamp) {
        for scheduleId in entries.keys.sorted() {
            guard var entry = entries[scheduleId] else { continue }
            let definition = entry.definition
            entry.cursor = now
            guard let last = definition.lastFireTime, definition.enabled, definition.dependsOn.isEmpty,
                let fireTimes = definition.fireTimes
            else {
                entries[scheduleId] = entry
                continue
            }
            let (missed, dropped) = missedFireTimes(fireTimes, after: last, upTo: now)
            entry.cursor = max(missed.last ?? last, last)
            entries[scheduleId] = entry
            guard let latest = missed.last else { continue }
            writer.saveLastFireTime(latest, scheduleId: scheduleId)
            switch definition.catchUp {
            case .none:
                logger.info(
                    "schedule missed fire times while the server was down; catch-up is none",
                    metadata: ["schedule": "\(scheduleId)", "missed": "\(missed.count + dropped)"])
            case .latest:
                submit(newRun(scheduleId, trigger: .scheduled, dueTime: latest), isNewFiring: false)
            case .all:
                if dropped > 0 {
                    logger.warning(
                        "catch-up ran only the most recent SCHEDULER_CATCH_UP_LIMIT missed fire times",
                        metadata: [
                            "schedule": "\(scheduleId)", "dropped": "\(dropped)",
                            "limit": "\(configuration.catchUpLimit)",
                        ])
                }
                // Caught-up runs are asked for explicitly, so the overlap policy queues
                // them instead of skipping all but the first.
                for due in missed {
                    submit(newRun(scheduleId, trigger: .scheduled, dueTime: due), isNewFiring: false)
                }
            }
        }
    }

    /// Fire times in `(last, now]`: the most recent `catchUpLimit` of them, and how many
    /// older ones did not fit.
    func missedFireTimes(_ fireTimes: any FireTimes, after last: Timestamp, upTo now: Timestamp) -> ([Timestamp], Int) {
        var kept: [Timestamp] = []
        var dropped = 0
        var cursor = last
        while let next = fireTimes.nextFireTime(after: cursor), next <= now, next > cursor {
            kept.append(next)
            cursor = next
            if kept.count > 2 * configuration.catchUpLimit {
                let excess = kept.count - configuration.catchUpLimit
                kept.removeFirst(excess)
                dropped += excess
            }
        }
        if kept.count > configuration.catchUpLimit {
            let excess = kept.count - configuration.catchUpLimit
            kept.removeFirst(excess)
            dropped += excess
        }
        return (kept, dropped)
    }

    /// A new first attempt, queued.
    func newRun(_ scheduleId: String, trigger: RunTrigger, dueTime: Timestamp) -> RunRecord {
        RunRecord(
            id: configuration.makeRunID(), scheduleId: scheduleId, trigger: trigger, dueTime: dueTime, attempt: 1,
            status: .queued, createdAt: clock.now())
    }

    /// Runs `scheduleId` now, whether or not it is enabled. A manual run is never skipped by
    /// the overlap policy, but waits in the queue when a limit is reached.
    @discardableResult
    public func trigger(_ scheduleId: String) throws(SchedulerError) -> RunRecord {
        guard phase == .running else { throw .notRunning }
        guard entries[scheduleId] != nil else { throw .unknownSchedule(scheduleId) }
        let run = newRun(scheduleId, trigger: .manual, dueTime: clock.now())
        submit(run, isNewFiring: false)
        return active[run.id]?.record ?? waiting.first { $0.id == run.id } ?? run
    }
}
