import Foundation
import Logging
import SQLiteNIO

/// The embedded state store: one SQLite file (default `./.sluice/state.db`) in WAL mode.
///
/// One connection serves every task. sqlite-nio runs its statements one at a time on a
/// thread pool; on top of that every operation holds a ``StoreGate``, so statements that
/// belong together (a transaction) never interleave with another task's. Writes of many
/// rows go in one transaction with multi-row `INSERT`s, so adding thousands of dead
/// letters costs a handful of statements. All values are bound parameters.
///
/// JSON columns (specs, stats, records) are written with `JSONText` after ``ValueEncoder``
/// and read back with `JSONParser` and `ValueDecoder`, so object keys keep their order.
public final class SQLiteStateStore: StateStore {
    /// The database file, as given to ``open(path:logger:)``.
    public let path: String
    let connection: SQLiteConnection
    let gate = StoreGate()

    private init(path: String, connection: SQLiteConnection) {
        self.path = path
        self.connection = connection
    }

    /// Opens (creating if needed) the database at `path`, with its parent directories and
    /// schema. `":memory:"` opens a private in-memory database.
    ///
    /// Throws ``StateStoreError/newerSchema(path:found:supported:)`` for a file written by a
    /// newer Sluice, and ``StateStoreError/cannotCreateDirectory(path:reason:)`` when the
    /// directory cannot be made.
    public static func open(path: String, logger: Logger = Logger(label: "sluice.state")) async throws -> SQLiteStateStore {
        let storage: SQLiteConnection.Storage
        if path == ":memory:" {
            storage = .memory
        } else {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StateStoreError.cannotCreateDirectory(path: directory, reason: error.localizedDescription)
            }
            storage = .file(path: path)
        }
        let connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        do {
            // WAL lets readers (another `sluice` process, the sqlite3 shell) work while we
            // write; NORMAL sync is durable across application crashes in WAL mode, and a
            // bounded busy timeout replaces sqlite-nio's wait-forever handler so a stuck
            // lock becomes an error instead of a hang.
            _ = try await connection.query("PRAGMA journal_mode = WAL")
            _ = try await connection.query("PRAGMA synchronous = NORMAL")
            _ = try await connection.query("PRAGMA busy_timeout = 5000")
            try await StateSchema.migrate(connection, path: path)
        } catch {
            _ = try? await connection.close()
            throw error
        }
        return SQLiteStateStore(path: path, connection: connection)
    }

    /// Waits for running operations, then closes the database. Later calls throw
    /// ``StateStoreError/closed``; closing again does nothing.
    public func close() async throws {
        guard await gate.enter() else { return }
        await gate.markClosed()
        do {
            try await connection.close()
        } catch {
            await gate.leave()
            throw error
        }
        await gate.leave()
    }

    /// Runs `body` with exclusive use of the connection.
    func exclusive<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        guard await gate.enter() else { throw StateStoreError.closed }
        do {
            let result = try await body(connection)
            await gate.leave()
            return result
        } catch {
            await gate.leave()
            throw error
        }
    }

    /// Runs `body` with exclusive use of the connection, inside one transaction.
    func exclusiveTransaction<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await exclusive { connection in
            try await connection.transaction { try await body(connection) }
        }
    }

    /// `?, ?, …` for `count` placeholders.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

extension SQLiteData {
    /// An integer or NULL.
    static func optional(_ value: Int?) -> SQLiteData {
        value.map { .integer(.init($0)) } ?? .null
    }

    /// A text or NULL.
    static func optional(_ value: String?) -> SQLiteData {
        value.map { .text($0) } ?? .null
    }

    /// An integer from an `Int64` (sqlite-nio's integer type differs by platform).
    static func int64(_ value: Int64) -> SQLiteData {
        .integer(.init(value))
    }
}
