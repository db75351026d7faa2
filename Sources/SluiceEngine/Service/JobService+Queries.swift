import SluiceConnectors
import SluiceCore

/// The health report of `GET /health`.
public struct HealthReport: Codable, Sendable {
    /// Always `healthy` while the process answers.
    public var status: String
    /// Epoch milliseconds of the report.
    public var timestamp: Int64
    /// Seconds since start.
    public var uptime: Double
    /// Jobs recorded.
    public var jobs: Int
    /// Records in the dead-letter queue.
    public var dlqSize: Int
    /// The circuit breaker of every endpoint (API host, database server) the server has called.
    public var dependencies: [DependencyHealth] = []
}

/// The circuit breaker of one endpoint, as `GET /health` shows it.
public struct DependencyHealth: Codable, Sendable, Equatable {
    /// The endpoint (`api.example.com:443`, `postgres db:5432`).
    public var endpoint: String
    /// `closed`, `open` or `half-open`.
    public var circuit: String
    /// Failed attempts since the last success.
    public var consecutiveFailures: Int
    /// When an open circuit lets a probe through, ISO 8601.
    public var openUntil: String?
    /// The last failure's message.
    public var lastError: String?
}

/// Why a schedule was refused.
public enum ScheduleError: Error, Sendable {
    /// The schedule's fields are invalid.
    case invalid(SpecError)
    /// The schedule's job does not plan.
    case invalidJob(JobPlanError)
    /// A schedule with this id exists.
    case duplicate(String)
    /// The change conflicts with other stored state (a schedule others depend on).
    case conflict(SpecError)
}

extension JobService {
    /// The health report.
    public func health() async throws -> HealthReport {
        HealthReport(
            status: "healthy", timestamp: JobRunner.wallClockMilliseconds(), uptime: (uptimeSeconds * 1000).rounded() / 1000,
            jobs: try await store.jobCount(), dlqSize: try await store.deadLetterCount(),
            dependencies: EndpointGuards.shared(in: planner.resources).breakerSnapshots.map { breaker in
                DependencyHealth(
                    endpoint: breaker.endpoint, circuit: breaker.state.rawValue, consecutiveFailures: breaker.consecutiveFailures,
                    openUntil: breaker.openUntil.map { Timestamp(microseconds: Int64(exactly: ($0 * 1_000_000).rounded()) ?? 0).iso8601 },
                    lastError: breaker.lastError.map(Secrets.redactText))
            })
    }

    /// Count, average, min, max and p95 of each phase's duration (ms) over all recorded runs.
    public func performance() async throws -> [Phase: PhaseSummary] {
        var result: [Phase: PhaseSummary] = [:]
        for phase in Phase.allCases {
            result[phase] = PhaseSummary(samples: try await store.phaseDurations(phase))
        }
        return result
    }

    /// Overall records/s and MB/s per phase over every completed run: total records (and
    /// bytes) over total time spent in the phase.
    public func throughput() async throws -> [Phase: (recordsPerSecond: Double, mbPerSecond: Double?)] {
        var records: [Phase: Int] = [:]
        var bytes: [Phase: Int] = [:]
        var ms: [Phase: Double] = [:]
        for job in try await store.jobs() where job.status == .completed {
            guard let stats = job.stats else { continue }
            records[.extraction, default: 0] += stats.recordsExtracted
            records[.transformation, default: 0] += stats.recordsExtracted
            records[.loading, default: 0] += stats.recordsLoaded
            bytes[.extraction, default: 0] += stats.bytesRead
            bytes[.loading, default: 0] += stats.bytesWritten
            ms[.extraction, default: 0] += stats.phases.extractionMs
            ms[.transformation, default: 0] += stats.phases.transformationMs
            ms[.loading, default: 0] += stats.phases.loadingMs
        }
        var result: [Phase: (recordsPerSecond: Double, mbPerSecond: Double?)] = [:]
        for phase in Phase.allCases {
            guard let time = ms[phase], time > 0 else { continue }
            let seconds = time / 1000
            result[phase] = (
                (Double(records[phase] ?? 0) / seconds).rounded(),
                bytes[phase].map { ((Double($0) / 1_048_576) / seconds * 10).rounded() / 10 }
            )
        }
        return result
    }

    /// Validates and stores a new schedule.
    public func createSchedule(_ schedule: ScheduleSpec) async throws -> ScheduleSpec {
        if try await store.schedule(id: schedule.id) != nil { throw ScheduleError.duplicate(schedule.id) }
        return try await saveSchedule(schedule)
    }

    /// Validates `schedule` and stores it, replacing the one with the same id:
    /// - its cron expression and time zone, or interval, and its job (plan errors under `job`)
    ///   or saved pipeline;
    /// - `dependsOn` names existing schedules and closes no cycle (`dependsOn: a → b → a`);
    /// - a stored job holds no literal secret (use `${env:NAME}`), since it runs later.
    public func saveSchedule(_ schedule: ScheduleSpec) async throws -> ScheduleSpec {
        do {
            _ = try ScheduleCoordinator.fireTimes(schedule)
        } catch {
            throw ScheduleError.invalid(error)
        }
        if let pipelineId = schedule.pipelineId, try await store.pipeline(id: pipelineId) == nil {
            throw ScheduleError.invalid(SpecError(path: "pipelineId", "no saved pipeline with id '\(pipelineId)'; create it with POST /pipelines"))
        }
        var upstreams: [String: [String]] = [:]
        for stored in try await store.schedules() where stored.id != schedule.id { upstreams[stored.id] = stored.dependsOn }
        for (index, upstream) in schedule.dependsOn.enumerated() where upstreams[upstream] == nil {
            throw ScheduleError.invalid(SpecError(path: "dependsOn[\(index)]", "no schedule with id '\(upstream)'"))
        }
        upstreams[schedule.id] = schedule.dependsOn
        if let cycle = Self.dependencyCycle(from: schedule.id, upstreams: upstreams) {
            throw ScheduleError.invalid(SpecError(path: "dependsOn", "this closes a dependency cycle: \(cycle.joined(separator: " → "))"))
        }
        if let job = schedule.job {
            do {
                _ = try planner.plan(job)
            } catch {
                throw ScheduleError.invalidJob(
                    JobPlanError(errors: error.errors.map { $0.prefixed("job") }, forbidden: error.forbidden))
            }
            if let path = Secrets.literalSecretPaths(in: job).first {
                throw ScheduleError.invalid(SpecError(path: SpecPath.join("job", path), Self.literalSecretRefusal("a scheduled job")))
            }
        }
        try await store.saveSchedule(schedule)
        return schedule
    }

    /// Changes the fields `changes` names (`{"enabled": false}`) of the schedule `id`, keeping
    /// the others, and saves it validated as ``saveSchedule(_:)`` does. `nil` when there is no
    /// such schedule.
    public func patchSchedule(id: String, changes: ValueObject) async throws -> ScheduleSpec? {
        guard let current = try await store.schedule(id: id) else { return nil }
        guard case .object(var merged) = try ValueEncoder().encode(current) else { return nil }
        for (key, value) in changes.pairs where key != "id" { merged[key] = value }
        let updated: ScheduleSpec
        do {
            updated = try reader.schedule(.object(merged))
        } catch {
            throw ScheduleError.invalid(error.errors.first ?? SpecError("invalid schedule"))
        }
        return try await saveSchedule(updated)
    }

    /// Deletes a schedule no other schedule depends on.
    public func deleteSchedule(id: String) async throws -> Bool {
        let dependents = try await store.schedules().filter { $0.dependsOn.contains(id) }.map(\.id)
        guard dependents.isEmpty else {
            throw ScheduleError.conflict(SpecError(path: "id", "schedules \(dependents.joined(separator: ", ")) depend on '\(id)'; change them first"))
        }
        return try await store.deleteSchedule(id: id)
    }

    /// The path of a dependency cycle through `start` (`a → b → a`), or `nil`, where
    /// `upstreams[x]` lists the schedules `x` depends on.
    static func dependencyCycle(from start: String, upstreams: [String: [String]]) -> [String]? {
        var path: [String] = [start]
        var visited: Set<String> = []
        func walk(_ node: String) -> [String]? {
            for next in upstreams[node] ?? [] {
                if next == start { return path + [start] }
                guard visited.insert(next).inserted else { continue }
                path.append(next)
                if let cycle = walk(next) { return cycle }
                path.removeLast()
            }
            return nil
        }
        return walk(start)
    }
}
