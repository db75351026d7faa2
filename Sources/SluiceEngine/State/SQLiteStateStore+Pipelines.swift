import SQLiteNIO
import SluiceCore

extension SQLiteStateStore {
    /// Upserts by id, keeping the pipeline's creation time and place in the order.
    public func savePipeline(_ pipeline: PipelineRecord) async throws {
        let spec = try ValueEncoder().jsonText(pipeline.spec)
        try await exclusive { connection in
            _ = try await connection.query(
                """
                INSERT INTO pipelines (id, spec, created_at, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at
                """,
                [.text(pipeline.spec.id), .text(spec), .int64(pipeline.createdAt), .int64(pipeline.updatedAt)])
        }
    }

    /// The pipeline with `id`, or `nil`.
    public func pipeline(id: String) async throws -> PipelineRecord? {
        let rows = try await exclusive { connection in
            try await connection.query("SELECT id, spec, created_at, updated_at FROM pipelines WHERE id = ?", [.text(id)])
        }
        return try rows.first.map(Self.pipelineRecord)
    }

    /// All pipelines in the order they were first saved.
    public func pipelines() async throws -> [PipelineRecord] {
        let rows = try await exclusive { connection in
            try await connection.query("SELECT id, spec, created_at, updated_at FROM pipelines ORDER BY seq")
        }
        return try rows.map(Self.pipelineRecord)
    }

    /// Deletes the pipeline with `id`; whether there was one.
    public func deletePipeline(id: String) async throws -> Bool {
        try await exclusive { connection in
            let found = try await connection.query("SELECT seq FROM pipelines WHERE id = ?", [.text(id)])
            guard !found.isEmpty else { return false }
            _ = try await connection.query("DELETE FROM pipelines WHERE id = ?", [.text(id)])
            return true
        }
    }

    static func pipelineRecord(_ row: SQLiteRow) throws -> PipelineRecord {
        let reader = RowReader(row: row, table: "pipelines", key: row.column("id")?.string ?? "?")
        return PipelineRecord(
            spec: try reader.decode(PipelineSpec.self, "spec"), createdAt: try reader.int64("created_at"),
            updatedAt: try reader.int64("updated_at"))
    }
}
