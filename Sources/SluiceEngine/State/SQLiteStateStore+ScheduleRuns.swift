import SQLiteNIO
import SluiceCore
import SluiceScheduling

/// The scheduler's history (every run: scheduled, retried, manual, skipped) and each
/// schedule's last fire time, so catch-up works across restarts. Times are microseconds.
extension SQLiteStateStore {
    public func save(_ run: RunRecord) async throws {
        func micros(_ t: Timestamp?) -> SQLiteData { t.map { .int64($0.microseconds) } ?? .null }
        try await exclusive { connection in
            _ = try await connection.query(
                """
                INSERT INTO schedule_runs (id, schedule_id, run_trigger, due_time, attempt, status, created_at, not_before,
                                           started_at, ended_at, reason, job_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, not_before = excluded.not_before,
                    started_at = excluded.started_at, ended_at = excluded.ended_at, reason = excluded.reason, job_id = excluded.job_id
                """,
                [
                    .text(run.id), .text(run.scheduleId), .text(run.trigger.rawValue), .int64(run.dueTime.microseconds),
                    .integer(run.attempt), .text(run.status.rawValue), .int64(run.createdAt.microseconds), micros(run.notBefore),
                    micros(run.startedAt), micros(run.endedAt), .optional(run.reason), .optional(run.jobId),
                ])
        }
    }

    public func saveLastFireTime(_ time: Timestamp, scheduleId: String) async throws {
        try await exclusive { connection in
            _ = try await connection.query(
                """
                INSERT INTO schedule_fire_times (schedule_id, last_fire_time) VALUES (?, ?)
                ON CONFLICT (schedule_id) DO UPDATE SET last_fire_time = excluded.last_fire_time
                """,
                [.text(scheduleId), .int64(time.microseconds)])
        }
    }

    public func unfinishedRuns() async throws -> [RunRecord] {
        try await runs(where: "status IN ('queued', 'running')", [])
    }

    /// The runs of `scheduleId`, newest first, at most `limit`.
    public func scheduleRuns(scheduleId: String, limit: Int) async throws -> [RunRecord] {
        try await runs(where: "schedule_id = ? ORDER BY seq DESC LIMIT ?", [.text(scheduleId), .integer(limit)])
    }

    /// Each schedule's last fire time.
    public func lastFireTimes() async throws -> [String: Timestamp] {
        let rows = try await exclusive { connection in
            try await connection.query("SELECT schedule_id, last_fire_time FROM schedule_fire_times")
        }
        var times: [String: Timestamp] = [:]
        for row in rows {
            let reader = RowReader(row: row, table: "schedule_fire_times", key: row.column("schedule_id")?.string ?? "?")
            times[try reader.text("schedule_id")] = Timestamp(microseconds: try reader.int64("last_fire_time"))
        }
        return times
    }

    private func runs(where condition: String, _ bindings: [SQLiteData]) async throws -> [RunRecord] {
        let rows = try await exclusive { connection in
            try await connection.query(
                """
                SELECT id, schedule_id, run_trigger, due_time, attempt, status, created_at, not_before, started_at, ended_at,
                       reason, job_id FROM schedule_runs WHERE \(condition)
                """, bindings)
        }
        return try rows.map { row in
            let reader = RowReader(row: row, table: "schedule_runs", key: row.column("id")?.string ?? "?")
            func time(_ column: String) throws -> Timestamp? {
                row.column(column)?.integer.map { Timestamp(microseconds: Int64($0)) }
            }
            guard let trigger = RunTrigger(rawValue: try reader.text("run_trigger")) else { throw reader.corrupt("unknown trigger") }
            guard let status = RunStatus(stored: try reader.text("status")) else { throw reader.corrupt("unknown status") }
            return RunRecord(
                id: try reader.text("id"), scheduleId: try reader.text("schedule_id"), trigger: trigger,
                dueTime: Timestamp(microseconds: try reader.int64("due_time")), attempt: try reader.optionalInt("attempt") ?? 1,
                status: status, createdAt: Timestamp(microseconds: try reader.int64("created_at")),
                notBefore: try time("not_before"), startedAt: try time("started_at"), endedAt: try time("ended_at"),
                reason: try reader.optionalText("reason"), jobId: try reader.optionalText("job_id"))
        }
    }
}
