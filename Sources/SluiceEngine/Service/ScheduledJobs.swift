import SluiceCore
import SluiceScheduling

/// Runs a schedule's job for the scheduler: the schedule's own `job`, or the saved pipeline
/// it names, submitted as a new job (so every run has its job record, stats and DLQ).
/// Cancellation (a timeout, or shutdown after the grace period) reaches the job runner,
/// which stops and leaves the target untouched.
struct ScheduledJobs: ScheduledJobExecutor {
    let service: JobService

    func run(_ request: RunRequest) async -> ExecutionOutcome {
        do {
            guard let schedule = try await service.store.schedule(id: request.scheduleId) else {
                return .failure("schedule '\(request.scheduleId)' no longer exists")
            }
            guard var job = try await jobSpec(of: schedule) else {
                return .failure("the schedule has no job or pipelineId to run")
            }
            job.id = nil
            let finished = try await service.execute(job)
            if finished.status == .completed { return .success(jobId: finished.id) }
            return .failure(finished.error ?? "the job failed", jobId: finished.id)
        } catch let error as JobPlanError {
            return .failure("the job does not plan: \(error)")
        } catch {
            return .failure("\(error)")
        }
    }

    /// The job `schedule` runs, if it names one.
    private func jobSpec(of schedule: ScheduleSpec) async throws -> JobSpec? {
        if let job = schedule.job { return job }
        guard let pipelineId = schedule.pipelineId else { return nil }
        guard let pipeline = try await service.store.pipeline(id: pipelineId) else {
            throw ScheduledJobsError(message: "pipeline '\(pipelineId)' no longer exists")
        }
        return pipeline.spec.job
    }
}

/// A scheduled run that cannot start.
struct ScheduledJobsError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
