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
}

/// Why a schedule was refused.
public enum ScheduleError: Error, Sendable {
    /// The schedule's fields are invalid.
    case invalid(SpecError)
    /// The schedule's job does not plan.
    case invalidJob(JobPlanError)
    /// A schedule with this id exists.
    case duplicate(String)
}

extension JobService {
    /// The health report.
    public func health() async throws -> HealthReport {
        HealthReport(
            status: "healthy", timestamp: JobRunner.wallClockMilliseconds(), uptime: (uptimeSeconds * 1000).rounded() / 1000,
            jobs: try await store.jobCount(), dlqSize: try await store.deadLetterCount())
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

    /// Validates and stores a new schedule (its cron syntax, and its job when it has one).
    public func createSchedule(_ schedule: ScheduleSpec) async throws -> ScheduleSpec {
        do {
            _ = try CronExpression(schedule.cron)
        } catch {
            throw ScheduleError.invalid(error.prefixed("cron"))
        }
        if let job = schedule.job {
            do {
                _ = try planner.plan(job)
            } catch {
                throw ScheduleError.invalidJob(
                    JobPlanError(errors: error.errors.map { $0.prefixed("job") }, forbidden: error.forbidden))
            }
        }
        if try await store.schedule(id: schedule.id) != nil { throw ScheduleError.duplicate(schedule.id) }
        var stored = schedule
        if var job = stored.job {
            job.source.config = Secrets.redact(job.source.config)
            job.target.config = Secrets.redact(job.target.config)
            stored.job = job
        }
        try await store.saveSchedule(stored)
        return stored
    }
}
