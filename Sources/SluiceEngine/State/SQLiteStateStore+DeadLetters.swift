import SQLiteNIO
import SluiceCore

extension SQLiteStateStore {
    /// Rows per multi-row `INSERT`: 6 parameters each stays far below SQLite's limit, and
    /// the statement text stays small enough to prepare quickly.
    static let deadLetterRowsPerStatement = 500

    /// One transaction of multi-row `INSERT`s (500 rows each); all rows or none.
    public func addDeadLetters(_ letters: [NewDeadLetter]) async throws {
        guard !letters.isEmpty else { return }
        try await exclusiveTransaction { connection in try await Self.write(letters, on: connection) }
    }

    /// The inserts of `letters`, on a connection the caller holds inside a transaction.
    static func write(_ letters: [NewDeadLetter], on connection: SQLiteConnection) async throws {
        let chunkSize = Self.deadLetterRowsPerStatement
        let fullChunkSQL = Self.insertDeadLettersSQL(rows: chunkSize)
        var start = 0
        while start < letters.count {
            let end = min(start + chunkSize, letters.count)
            var binds: [SQLiteData] = []
            binds.reserveCapacity((end - start) * 6)
            for letter in letters[start..<end] {
                binds.append(.text(letter.jobId))
                binds.append(.text(JSONText.string(letter.record)))
                binds.append(.text(letter.error))
                binds.append(.optional(letter.position))
                binds.append(.text(letter.stage))
                binds.append(.int64(letter.timestamp))
            }
            let sql = end - start == chunkSize ? fullChunkSQL : Self.insertDeadLettersSQL(rows: end - start)
            _ = try await connection.query(sql, binds)
            start = end
        }
    }

    /// The dead letters of `jobId` (all when `nil`), by id.
    public func deadLetters(jobId: String?) async throws -> [DeadLetter] {
        let rows = try await exclusive { connection in
            if let jobId {
                return try await connection.query("SELECT * FROM dead_letters WHERE job_id = ? ORDER BY id", [.text(jobId)])
            }
            return try await connection.query("SELECT * FROM dead_letters ORDER BY id")
        }
        var letters: [DeadLetter] = []
        letters.reserveCapacity(rows.count)
        for row in rows {
            let reader = RowReader(row: row, table: "dead_letters", key: row.column("id")?.string ?? "?")
            letters.append(
                DeadLetter(
                    id: try reader.int64("id"), jobId: try reader.text("job_id"), record: try reader.json("record"),
                    error: try reader.text("error"), position: try reader.optionalInt("position"),
                    stage: try reader.text("stage"), timestamp: try reader.int64("timestamp")))
        }
        return letters
    }

    /// The number of dead letters of all jobs.
    public func deadLetterCount() async throws -> Int {
        try await exclusive { connection in try await Self.count(connection, "SELECT COUNT(*) AS n FROM dead_letters") }
    }

    /// Deletes the letters with these ids in one transaction; unknown ids are ignored.
    public func removeDeadLetters(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        let chunkSize = 5000
        try await exclusiveTransaction { connection in
            var start = 0
            while start < ids.count {
                let end = min(start + chunkSize, ids.count)
                let binds = ids[start..<end].map { SQLiteData.int64($0) }
                _ = try await connection.query(
                    "DELETE FROM dead_letters WHERE id IN (\(Self.placeholders(binds.count)))", binds)
                start = end
            }
        }
    }

    /// Records a failed retry; throws ``StateStoreError/deadLetterNotFound(id:)`` for an unknown id.
    public func updateDeadLetter(id: Int64, error: String, stage: String, timestamp: Int64) async throws {
        let rows = try await exclusive { connection in
            try await connection.query(
                "UPDATE dead_letters SET error = ?, stage = ?, timestamp = ? WHERE id = ? RETURNING id",
                [.text(error), .text(stage), .int64(timestamp), .int64(id)])
        }
        guard !rows.isEmpty else { throw StateStoreError.deadLetterNotFound(id: id) }
    }

    static func insertDeadLettersSQL(rows: Int) -> String {
        let row = "(?, ?, ?, ?, ?, ?)"
        return "INSERT INTO dead_letters (job_id, record, error, position, stage, timestamp) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
