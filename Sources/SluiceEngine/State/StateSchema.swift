import SQLiteNIO

/// The state database's tables, versioned with `PRAGMA user_version`.
///
/// `migrations[n]` takes a database from version `n` to `n + 1`; each runs in its own
/// transaction together with the version bump, so a crash leaves a consistent version.
/// Later changes append a migration; existing ones are never edited.
enum StateSchema {
    static let migrations: [[String]] = [
        // Version 1.
        [
            """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                status TEXT NOT NULL,
                spec TEXT NOT NULL,
                stats TEXT,
                error TEXT,
                created_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX jobs_by_creation ON jobs (created_at, id)",
            // AUTOINCREMENT so that the id of a removed letter is never handed out again:
            // a retry that still holds old ids must not touch a newer letter.
            """
            CREATE TABLE dead_letters (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                job_id TEXT NOT NULL,
                record TEXT NOT NULL,
                error TEXT NOT NULL,
                position INTEGER,
                stage TEXT NOT NULL,
                timestamp INTEGER NOT NULL
            )
            """,
            "CREATE INDEX dead_letters_by_job ON dead_letters (job_id, id)",
            // `seq` keeps creation order across upserts (ON CONFLICT DO UPDATE keeps the row).
            "CREATE TABLE schedules (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, spec TEXT NOT NULL)",
            """
            CREATE TABLE lineage_nodes (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL,
                name TEXT NOT NULL,
                job_id TEXT,
                fields TEXT
            )
            """,
            """
            CREATE TABLE lineage_edges (
                seq INTEGER PRIMARY KEY,
                from_id TEXT NOT NULL,
                to_id TEXT NOT NULL,
                relationship TEXT NOT NULL,
                job_id TEXT,
                fields TEXT
            )
            """,
            // NULLs are distinct in a plain UNIQUE constraint, so the job id enters the key as
            // (is-null, value): two edges without a job are the same edge, and a job named ''
            // stays different from no job.
            """
            CREATE UNIQUE INDEX lineage_edges_identity
                ON lineage_edges (from_id, to_id, relationship, job_id IS NULL, IFNULL(job_id, ''))
            """,
            "CREATE INDEX lineage_edges_by_target ON lineage_edges (to_id)",
            """
            CREATE TABLE phase_durations (
                id INTEGER PRIMARY KEY,
                job_id TEXT NOT NULL,
                phase TEXT NOT NULL,
                duration_ms REAL NOT NULL,
                recorded_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX phase_durations_by_phase ON phase_durations (phase, id)",
        ],
        // Version 2: saved pipelines, and the scheduler's run history and last fire times.
        [
            """
            CREATE TABLE pipelines (
                seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, spec TEXT NOT NULL,
                created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)
            """,
            """
            CREATE TABLE schedule_runs (
                seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, schedule_id TEXT NOT NULL,
                run_trigger TEXT NOT NULL, due_time INTEGER NOT NULL, attempt INTEGER NOT NULL,
                status TEXT NOT NULL, created_at INTEGER NOT NULL, not_before INTEGER,
                started_at INTEGER, ended_at INTEGER, reason TEXT, job_id TEXT)
            """,
            "CREATE INDEX schedule_runs_by_schedule ON schedule_runs (schedule_id, seq)",
            "CREATE TABLE schedule_fire_times (schedule_id TEXT PRIMARY KEY, last_fire_time INTEGER NOT NULL)",
        ],
        // Version 3: the watermarks of incremental sources.
        [
            """
            CREATE TABLE watermarks (
                key TEXT PRIMARY KEY, cursor_field TEXT NOT NULL, watermark TEXT NOT NULL,
                job_id TEXT NOT NULL, updated_at INTEGER NOT NULL)
            """
        ],
        // Version 4: the process that runs a pending or running job.
        ["ALTER TABLE jobs ADD COLUMN owner TEXT"],
        // Version 5: the declared types of lineage nodes' fields (a Parquet or Avro schema).
        ["ALTER TABLE lineage_nodes ADD COLUMN field_types TEXT"],
    ]

    /// The version this code reads and writes.
    static var currentVersion: Int { migrations.count }

    /// Brings the database on `connection` up to ``currentVersion``.
    static func migrate(_ connection: SQLiteConnection, path: String) async throws {
        let found = try await version(connection)
        guard found <= currentVersion else {
            throw StateStoreError.newerSchema(path: path, found: found, supported: currentVersion)
        }
        for version in found..<currentVersion {
            try await connection.transaction {
                for statement in migrations[version] {
                    _ = try await connection.query(statement)
                }
                // PRAGMA takes no bound parameters; the number is ours, not user input.
                _ = try await connection.query("PRAGMA user_version = \(version + 1)")
            }
        }
    }

    /// The database's `user_version` (0 for a new file).
    static func version(_ connection: SQLiteConnection) async throws -> Int {
        let rows = try await connection.query("PRAGMA user_version")
        return rows.first?.column("user_version")?.integer.map { Int($0) } ?? 0
    }
}
