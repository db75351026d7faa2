import SluiceCore
import SluiceScheduling

/// Persistence of pipeline schedules.
public protocol ScheduleStore: Sendable {
    /// Inserts `schedule`, or replaces the one with the same id (keeping its place in the order).
    func saveSchedule(_ schedule: ScheduleSpec) async throws
    /// The schedule with `id`, or `nil`.
    func schedule(id: String) async throws -> ScheduleSpec?
    /// All schedules, in the order they were first saved.
    func schedules() async throws -> [ScheduleSpec]
    /// Deletes the schedule with `id`; whether there was one.
    func deleteSchedule(id: String) async throws -> Bool
}

/// Persistence of the scheduler's run history, as the HTTP API reads it back.
public protocol ScheduleRunStore: ScheduleRunRecorder {
    /// The runs of `scheduleId`, newest first, at most `limit`.
    func scheduleRuns(scheduleId: String, limit: Int) async throws -> [RunRecord]
    /// Each schedule's last fire time.
    func lastFireTimes() async throws -> [String: Timestamp]
}
