import SQLiteNIO
import SluiceCore

extension SQLiteStateStore {
    public func watermark(key: String) async throws -> WatermarkRecord? {
        let rows = try await exclusive { connection in
            try await connection.query(
                "SELECT key, cursor_field, watermark, job_id, updated_at FROM watermarks WHERE key = ?", [.text(key)])
        }
        return try rows.first.map(Self.watermarkRecord)
    }

    public func saveWatermark(_ record: WatermarkRecord) async throws {
        try await exclusive { connection in try await Self.write(record, on: connection) }
    }

    /// The upsert of `record`, on a connection the caller holds.
    static func write(_ record: WatermarkRecord, on connection: SQLiteConnection) async throws {
        let json = JSONText.string(record.watermark.json)
        _ = try await connection.query(
            """
            INSERT INTO watermarks (key, cursor_field, watermark, job_id, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (key) DO UPDATE SET cursor_field = excluded.cursor_field, watermark = excluded.watermark,
                job_id = excluded.job_id, updated_at = excluded.updated_at
            """,
            [.text(record.key), .text(record.cursorField), .text(json), .text(record.jobId), .int64(record.updatedAt)])
    }

    public func watermarks() async throws -> [WatermarkRecord] {
        let rows = try await exclusive { connection in
            try await connection.query("SELECT key, cursor_field, watermark, job_id, updated_at FROM watermarks ORDER BY key")
        }
        return try rows.map(Self.watermarkRecord)
    }

    public func deleteWatermark(key: String) async throws -> Bool {
        try await exclusive { connection in
            let found = try await connection.query("SELECT key FROM watermarks WHERE key = ?", [.text(key)])
            guard !found.isEmpty else { return false }
            _ = try await connection.query("DELETE FROM watermarks WHERE key = ?", [.text(key)])
            return true
        }
    }

    static func watermarkRecord(_ row: SQLiteRow) throws -> WatermarkRecord {
        let key = row.column("key")?.string ?? "?"
        let reader = RowReader(row: row, table: "watermarks", key: key)
        let text = try reader.text("watermark")
        guard let parsed = try? JSONParser.parse(Array(text.utf8)), let watermark = Watermark(json: parsed) else {
            throw reader.corrupt("column 'watermark' is not a stored watermark")
        }
        return WatermarkRecord(
            key: key, cursorField: try reader.text("cursor_field"), watermark: watermark, jobId: try reader.text("job_id"),
            updatedAt: try reader.int64("updated_at"))
    }
}
