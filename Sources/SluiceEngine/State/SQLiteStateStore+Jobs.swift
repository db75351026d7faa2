import SQLiteNIO
import SluiceCore

extension SQLiteStateStore {
    /// Upserts by id; the spec and stats are stored as JSON text with their key order.
    public func saveJob(_ job: JobRecord) async throws {
        try await exclusive { connection in try await Self.write(job, on: connection) }
    }

    /// The upsert of `job`, on a connection the caller holds (alone or inside a transaction).
    static func write(_ job: JobRecord, on connection: SQLiteConnection) async throws {
        let encoder = ValueEncoder()
        let binds: [SQLiteData] = [
            .text(job.id), .text(job.name), .text(job.status.rawValue), .text(try encoder.jsonText(job.spec)),
            .optional(try job.stats.map { try encoder.jsonText($0) }), .optional(job.error), .int64(job.createdAt),
            .optional(job.owner),
        ]
        _ = try await connection.query(
            """
            INSERT INTO jobs (id, name, status, spec, stats, error, created_at, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status, spec = excluded.spec,
                stats = excluded.stats, error = excluded.error, created_at = excluded.created_at, owner = excluded.owner
            """, binds)
    }

    /// The job with `id`, or `nil`.
    public func job(id: String) async throws -> JobRecord? {
        let rows = try await exclusive { connection in
            try await connection.query("SELECT * FROM jobs WHERE id = ?", [.text(id)])
        }
        return try rows.first.map(Self.jobRecord)
    }

    /// All jobs by `createdAt`, then id.
    public func jobs() async throws -> [JobRecord] {
        let rows = try await exclusive { connection in
            try await connection.query("SELECT * FROM jobs ORDER BY created_at, id")
        }
        return try rows.map(Self.jobRecord)
    }

    /// Pending and running jobs by `createdAt`, then id; the rows of finished jobs are
    /// skipped by their status column, without reading their spec or stats.
    public func unfinishedJobs() async throws -> [JobRecord] {
        let statuses = JobStatus.allCases.filter { !$0.isFinished }
        let rows = try await exclusive { connection in
            try await connection.query(
                "SELECT * FROM jobs WHERE status IN (\(Self.placeholders(statuses.count))) ORDER BY created_at, id",
                statuses.map { .text($0.rawValue) })
        }
        return try rows.map(Self.jobRecord)
    }

    /// The number of stored jobs.
    public func jobCount() async throws -> Int {
        try await exclusive { connection in try await Self.count(connection, "SELECT COUNT(*) AS n FROM jobs") }
    }

    static func jobRecord(_ row: SQLiteRow) throws -> JobRecord {
        let id = row.column("id")?.string ?? "?"
        let reader = RowReader(row: row, table: "jobs", key: id)
        let statusText = try reader.text("status")
        guard let status = JobStatus(rawValue: statusText) else {
            throw reader.corrupt("unknown status '\(statusText)'")
        }
        return JobRecord(
            id: try reader.text("id"), name: try reader.text("name"), status: status,
            spec: try reader.decode(JobSpec.self, "spec"), stats: try reader.decodeIfPresent(JobStats.self, "stats"),
            error: try reader.optionalText("error"), createdAt: try reader.int64("created_at"),
            owner: try reader.optionalText("owner"))
    }

    /// The single integer a `SELECT COUNT(*) AS n` returns.
    static func count(_ connection: SQLiteConnection, _ sql: String, _ binds: [SQLiteData] = []) async throws -> Int {
        let rows = try await connection.query(sql, binds)
        return rows.first?.column("n")?.integer.map { Int($0) } ?? 0
    }
}
