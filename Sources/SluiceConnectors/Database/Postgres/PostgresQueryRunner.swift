import Logging
import NIOCore
import PostgresNIO

extension PostgresConnection {
    /// Runs one statement and drains its result (so the connection is ready for the next).
    func run(_ sql: String, binds: PostgresBindings = PostgresBindings(), logger: Logger) async throws {
        let rows = try await query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        for try await _ in rows {}
    }

    /// Runs a query whose columns are all `text` and returns its rows (nulls as nil).
    func textRows(_ sql: String, binds: PostgresBindings = PostgresBindings(), logger: Logger) async throws -> [[String?]] {
        let rows = try await query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        var result: [[String?]] = []
        for try await row in rows {
            result.append(row.map { cell in cell.bytes.map { String(buffer: $0) } })
        }
        return result
    }
}
