/// Everything Sluice persists across restarts: jobs, the dead-letter queue, schedules, saved
/// pipelines, lineage and phase timings. ``SQLiteStateStore`` is the embedded implementation.
public typealias StateStore = JobStore & DeadLetterStore & ScheduleStore & PipelineStore & LineageStore & MetricsStore
