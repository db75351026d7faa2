import SQLiteNIO
import SluiceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening SQLite database files for sources and targets.
enum SQLiteDatabaseFile {
    /// How long a statement waits for another connection's lock before failing, in ms.
    /// (sqlite-nio's default handler would wait forever.)
    static let busyTimeoutMilliseconds = 5000

    /// Opens an existing database file read-only (an `file:…?mode=ro` URI), so a source can
    /// never change it. Throws ``ConnectorError/io(_:)`` when the file is missing or is not a
    /// database.
    static func openReadOnly(_ path: String, configured: String) async throws -> SQLiteConnection {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ConnectorError.io("SQLite database \(DataRoots.describe(path, given: configured)) does not exist")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ConnectorError.io("SQLite database \(DataRoots.describe(path, given: configured)) is not a regular file")
        }
        return try await open(uri: "file:\(uriEscaped(path))?mode=ro", named: DataRoots.describe(path, given: configured), failing: "read")
    }

    /// Opens (creating if missing) a database file for writing. Its directory must exist.
    static func openReadWrite(_ path: String, configured: String) async throws -> SQLiteConnection {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var info = stat()
        guard stat(directory.isEmpty ? "/" : directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ConnectorError.io(
                "cannot write SQLite database \(DataRoots.describe(path, given: configured)): directory '\(directory)' does not exist")
        }
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            throw ConnectorError.io("SQLite database \(DataRoots.describe(path, given: configured)) is not a regular file")
        }
        return try await open(uri: "file:\(uriEscaped(path))", named: DataRoots.describe(path, given: configured), failing: "use")
    }

    /// Opens `uri`, sets the busy timeout and reads the schema, which proves the file is a
    /// database (SQLite opens files lazily); `named` is the file as messages quote it, `failing`
    /// what could not be done.
    private static func open(uri: String, named: String, failing: String) async throws -> SQLiteConnection {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: uri))
        } catch {
            throw ConnectorError.io("cannot open SQLite database \(named): \(message(error))")
        }
        do {
            _ = try await connection.query("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)")
            _ = try await connection.query("SELECT count(*) FROM sqlite_schema")
        } catch {
            try? await connection.close()
            throw ConnectorError.io("cannot \(failing) SQLite database \(named): \(message(error))")
        }
        return connection
    }

    /// The path with `%`, `?` and `#` (and anything outside printable ASCII) percent-encoded,
    /// as SQLite's URI filenames need.
    static func uriEscaped(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0...0x20, 0x7F...0xFF:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            default:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    /// SQLite's own message for an error (without sqlite-nio's reason prefix).
    static func message(_ error: any Error) -> String {
        if let error = error as? SQLiteError { return error.message }
        return "\(error)"
    }
}
