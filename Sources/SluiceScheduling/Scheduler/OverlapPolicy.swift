/// What a new firing does when its schedule already has `maxConcurrent` runs in progress.
///
/// The per-schedule limit is ``ScheduleDefinition/maxConcurrent``, which defaults to 1 for
/// `skip` and `queue` and to no limit for `allow`. The global limit
/// (``SchedulerConfiguration/maxConcurrentJobs``) applies under every policy: a run that
/// cannot start because of it waits in the queue.
public enum OverlapPolicy: String, Sendable, Equatable, CaseIterable {
    /// The firing is recorded as skipped while the schedule has `maxConcurrent` runs in
    /// progress (running, queued, or waiting to retry).
    case skip
    /// The firing waits in the queue and starts once fewer than `maxConcurrent` of the
    /// schedule's runs are running; the schedule's runs start in firing order.
    case queue
    /// Runs overlap freely up to `maxConcurrent` (no limit by default); beyond it they wait
    /// in the queue, and a ready run may pass one still waiting for its retry delay.
    case allow
}
