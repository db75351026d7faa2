import SQLiteNIO

extension SQLiteStateStore {
    /// Stores one row per finite duration, in phase order, in one statement.
    public func recordPhaseDurations(jobId: String, _ durations: [Phase: Double], at: Int64) async throws {
        try await exclusive { connection in try await Self.writePhaseDurations(jobId: jobId, durations, at: at, on: connection) }
    }

    /// The insert of one run's durations, on a connection the caller holds.
    static func writePhaseDurations(jobId: String, _ durations: [Phase: Double], at: Int64, on connection: SQLiteConnection) async throws {
        // Phase order, not dictionary order, so rows of one run are stored deterministically.
        // Non-finite durations (a clock glitch) are skipped: SQLite would store NaN as NULL.
        let present = Phase.allCases.compactMap { phase in
            durations[phase].flatMap { $0.isFinite ? (phase, $0) : nil }
        }
        guard !present.isEmpty else { return }
        var binds: [SQLiteData] = []
        for (phase, milliseconds) in present {
            binds += [.text(jobId), .text(phase.rawValue), .float(milliseconds), .int64(at)]
        }
        let rows = Array(repeating: "(?, ?, ?, ?)", count: present.count).joined(separator: ", ")
        _ = try await connection.query(
            "INSERT INTO phase_durations (job_id, phase, duration_ms, recorded_at) VALUES \(rows)", binds)
    }

    /// Every stored duration of `phase`, oldest first.
    public func phaseDurations(_ phase: Phase) async throws -> [Double] {
        let rows = try await exclusive { connection in
            try await connection.query(
                "SELECT id, duration_ms FROM phase_durations WHERE phase = ? ORDER BY id", [.text(phase.rawValue)])
        }
        return try rows.map { row in
            try RowReader(row: row, table: "phase_durations", key: row.column("id")?.string ?? "?").double("duration_ms")
        }
    }
}
