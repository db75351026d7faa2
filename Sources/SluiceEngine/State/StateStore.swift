/// Everything Sluice persists across restarts: jobs, the dead-letter queue, schedules, saved
/// pipelines, lineage, phase timings and the watermarks of incremental sources. ``SQLiteStateStore`` is the embedded implementation.
public typealias StateStore = JobStore & DeadLetterStore & ScheduleStore & PipelineStore & LineageStore & MetricsStore & WatermarkStore
