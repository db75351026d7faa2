import SluiceCore

/// Persists the run history and last fire times, so they survive a restart.
///
/// The scheduler calls it from a single writer task, in order: a record's later states are
/// never written before its earlier ones. Failures are logged and do not stop the scheduler.
public protocol ScheduleRunRecorder: Sendable {
    /// Inserts `run`, or replaces the record with the same id.
    func save(_ run: RunRecord) async throws
    /// Remembers that `scheduleId` last fired at `time`.
    func saveLastFireTime(_ time: Timestamp, scheduleId: String) async throws
    /// Records still `queued` or `running`, in the order they were first saved; read once at
    /// startup to recover from a crash or a shutdown.
    func unfinishedRuns() async throws -> [RunRecord]
}
