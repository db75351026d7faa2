/// Everything Sluice persists across restarts: jobs, the dead-letter queue, schedules, saved
/// pipelines, schedule runs, lineage, phase timings and the watermarks of incremental sources.
/// ``SQLiteStateStore`` is the embedded implementation; the engine holds only `any StateStore`.
public typealias StateStore = JobStore & DeadLetterStore & ScheduleStore & ScheduleRunStore & PipelineStore & LineageStore & MetricsStore & WatermarkStore
