import SQLiteNIO
import SluiceCore

extension SQLiteStateStore {
    /// Upserts by id, keeping the schedule's place in creation order.
    public func saveSchedule(_ schedule: ScheduleSpec) async throws {
        let spec = try ValueEncoder().jsonText(schedule)
        try await exclusive { connection in
            _ = try await connection.query(
                "INSERT INTO schedules (id, spec) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET spec = excluded.spec",
                [.text(schedule.id), .text(spec)])
        }
    }

    /// The schedule with `id`, or `nil`.
    public func schedule(id: String) async throws -> ScheduleSpec? {
        let rows = try await exclusive { connection in
            try await connection.query("SELECT id, spec FROM schedules WHERE id = ?", [.text(id)])
        }
        return try rows.first.map(Self.scheduleSpec)
    }

    /// All schedules in the order they were first saved.
    public func schedules() async throws -> [ScheduleSpec] {
        let rows = try await exclusive { connection in
            try await connection.query("SELECT id, spec FROM schedules ORDER BY seq")
        }
        return try rows.map(Self.scheduleSpec)
    }

    /// Deletes the schedule with `id`; whether there was one.
    public func deleteSchedule(id: String) async throws -> Bool {
        try await exclusive { connection in
            let found = try await connection.query("SELECT seq FROM schedules WHERE id = ?", [.text(id)])
            guard !found.isEmpty else { return false }
            _ = try await connection.query("DELETE FROM schedules WHERE id = ?", [.text(id)])
            return true
        }
    }

    static func scheduleSpec(_ row: SQLiteRow) throws -> ScheduleSpec {
        let reader = RowReader(row: row, table: "schedules", key: row.column("id")?.string ?? "?")
        return try reader.decode(ScheduleSpec.self, "spec")
    }
}
