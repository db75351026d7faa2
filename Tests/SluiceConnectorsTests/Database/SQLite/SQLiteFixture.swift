import SQLiteNIO
import SluiceConnectors
import SluiceCore
import SluiceTestSupport

/// Real SQLite files for the sqlite source and target tests, read and written with sqlite-nio directly.
enum SQLiteFixture {
    /// Runs `statements` on the database at `path` (created if missing).
    static func execute(_ path: String, _ statements: [String], binds: [SQLiteData] = []) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            for sql in statements { _ = try await connection.query(sql, sql.contains("?") ? binds : []) }
        } catch {
            try await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// The rows of `sql`, each as its values in column order.
    static func rows(_ path: String, _ sql: String) async throws -> [[SQLiteData]] {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        let rows: [SQLiteRow]
        do {
            rows = try await connection.query(sql)
        } catch {
            try await connection.close()
            throw error
        }
        try await connection.close()
        return rows.map { $0.columns.map(\.data) }
    }

    static func source(_ dir: TemporaryDirectory, _ config: Value, batchSize: Int = 4096) throws -> SQLiteSource {
        let decoded = try ValueDecoder().decode(SQLiteSource.Config.self, from: config)
        return try SQLiteSource(config: decoded, context: ComponentContext(dataRoots: DataRoots([dir.path]), batchSize: batchSize))
    }

    static func target(_ dir: TemporaryDirectory, _ config: Value, schema: SchemaSpec? = nil) throws -> SQLiteTarget {
        let decoded = try ValueDecoder().decode(SQLiteTarget.Config.self, from: config)
        return try SQLiteTarget(config: decoded, context: ComponentContext(dataRoots: DataRoots([dir.path]), schema: schema))
    }

    /// Every batch a read yields.
    static func read(_ source: SQLiteSource) async throws -> [RecordBatch] {
        let reader = try await source.open()
        var batches: [RecordBatch] = []
        while let chunk = try await reader.next() { batches.append(chunk.batch) }
        return batches
    }

    /// Every record a read yields, as objects.
    static func records(_ source: SQLiteSource) async throws -> [Value] {
        try await read(source).flatMap(\.records).map { Value.object($0) }
    }

    /// Writes `batches` with one writer and commits.
    static func write(_ target: SQLiteTarget, _ batches: [RecordBatch]) async throws -> [Rejection] {
        let writer = try await target.open(batchSize: nil)
        guard let rejecting = writer as? any RejectingTargetWriter else { return [] }
        var rejected: [Rejection] = []
        for batch in batches { rejected += try await rejecting.writeReportingRejections(batch).rejected }
        try await writer.commit()
        return rejected
    }
}
