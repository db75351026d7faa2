import SluiceCore

extension Scheduler {
    /// Adds a schedule; refuses a duplicate id, bad settings, unknown upstreams and cycles.
    public func register(_ definition: ScheduleDefinition) throws(SchedulerError) {
        try register(contentsOf: [definition])
    }

    /// Adds several schedules at once (upstreams may come in any order), all or none.
    public func register(contentsOf definitions: [ScheduleDefinition]) throws(SchedulerError) {
        var graph = dependencyGraph()
        for definition in definitions {
            try definition.validate()
            if graph[definition.id] != nil { throw .duplicateSchedule(definition.id) }
            graph[definition.id] = definition.dependsOn
        }
        try Scheduler.check(graph)
        let now = clock.now()
        for definition in definitions {
            let cursor = phase == .running ? max(definition.lastFireTime ?? now, now) : nil
            entries[definition.id] = Entry(definition: definition, generation: 0, cursor: cursor, timer: nil)
            startTimer(definition.id)
        }
    }

    /// Replaces a schedule's settings, keeping its last fire time; runs in progress keep
    /// going under the settings they started with.
    public func update(_ definition: ScheduleDefinition) throws(SchedulerError) {
        guard var entry = entries[definition.id] else { throw .unknownSchedule(definition.id) }
        try definition.validate()
        var graph = dependencyGraph()
        graph[definition.id] = definition.dependsOn
        try Scheduler.check(graph)
        entry.timer?.cancel()
        entry.timer = nil
        entry.generation += 1
        if entry.definition.dependsOn != definition.dependsOn {
            dependencyStates[definition.id] = nil
        }
        entry.definition = definition
        entries[definition.id] = entry
        startTimer(definition.id)
        drain()
    }

    /// Enables or disables a schedule. Fire times that pass while it is disabled are not run;
    /// runs already queued or running are not affected.
    public func setEnabled(_ scheduleId: String, _ enabled: Bool) throws(SchedulerError) {
        guard var entry = entries[scheduleId] else { throw .unknownSchedule(scheduleId) }
        entry.timer?.cancel()
        entry.timer = nil
        entry.generation += 1
        entry.definition.enabled = enabled
        if enabled, phase == .running, let cursor = entry.cursor {
            entry.cursor = max(cursor, clock.now())
        }
        entries[scheduleId] = entry
        startTimer(scheduleId)
    }

    /// Removes a schedule. Its queued runs are recorded as skipped; a running one finishes
    /// but is not retried. Refused while other schedules depend on it.
    public func remove(_ scheduleId: String) throws(SchedulerError) {
        guard let entry = entries[scheduleId] else { throw .unknownSchedule(scheduleId) }
        let dependents = entries.values.filter { $0.definition.dependsOn.contains(scheduleId) }.map(\.definition.id).sorted()
        if !dependents.isEmpty { throw .hasDependents(scheduleId: scheduleId, dependents: dependents) }
        entry.timer?.cancel()
        entries[scheduleId] = nil
        dependencyStates[scheduleId] = nil
        let now = clock.now()
        for run in waiting where run.scheduleId == scheduleId {
            retryTimers.removeValue(forKey: run.id)?.cancel()
            var skipped = run
            skipped.status = .skipped
            skipped.endedAt = now
            skipped.reason = "schedule '\(scheduleId)' was deleted before the run started"
            writer.save(skipped)
        }
        waiting.removeAll { $0.scheduleId == scheduleId }
    }

    /// The `dependsOn` lists of the registered schedules.
    func dependencyGraph() -> [String: [String]] {
        entries.mapValues(\.definition.dependsOn)
    }

    static func check(_ graph: [String: [String]]) throws(SchedulerError) {
        if let missing = DependencyGraph.missing(in: graph) {
            throw .unknownDependency(scheduleId: missing.scheduleId, dependency: missing.dependency)
        }
        if let cycle = DependencyGraph.cycle(in: graph) { throw .dependencyCycle(cycle) }
    }
}
