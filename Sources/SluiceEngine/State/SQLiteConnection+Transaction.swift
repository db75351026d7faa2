import SQLiteNIO

extension SQLiteConnection {
    /// Runs `body` in an immediate transaction: committed if it returns, rolled back if it throws.
    ///
    /// `BEGIN IMMEDIATE` takes the write lock up front, so another process sharing the file
    /// makes us wait (busy timeout) at the start instead of failing halfway through.
    func transaction<T>(_ body: () async throws -> T) async throws -> T {
        _ = try await query("BEGIN IMMEDIATE")
        do {
            let result = try await body()
            _ = try await query("COMMIT")
            return result
        } catch {
            // The original error is the one worth reporting; a failed rollback leaves
            // SQLite to roll back when the connection closes.
            _ = try? await query("ROLLBACK")
            throw error
        }
    }
}
