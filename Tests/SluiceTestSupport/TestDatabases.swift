import Foundation

/// The database servers the tests talk to: real PostgreSQL 15 and MariaDB servers that
/// `scripts/test.sh` starts on loopback (see `scripts/test-databases.sh`) and names in
/// `SLUICE_TEST_POSTGRES_URL` and `SLUICE_TEST_MARIADB_URL`.
///
/// A test that needs one fails, with a message saying how to start it, when it is not set:
/// database tests are never skipped silently.
public enum TestDatabases {
    /// A problem finding a test database.
    public struct Missing: Error, CustomStringConvertible {
        public let variable: String
        public var description: String {
            "\(variable) is not set: run the tests with `bash scripts/test.sh`, which starts the database servers, "
                + "or `source scripts/test-databases.sh && start_test_databases` before `swift test`"
        }
    }

    /// `postgres://postgres@127.0.0.1:PORT/sluice_test` (trust authentication).
    public static func postgresURL() throws -> String { try url("SLUICE_TEST_POSTGRES_URL") }

    /// `postgres://postgres@127.0.0.1:PORT/sluice_cdc`: a database of the same server for the
    /// change-data-capture tests alone. Logical decoding reads every change of its database,
    /// and other tests' DDL there (a table created, rewritten and dropped while a slot decodes)
    /// can make PostgreSQL fail the decoding with "could not map filenode"; changes of other
    /// databases are skipped before that.
    public static func postgresCDCURL() throws -> String { try url("SLUICE_TEST_POSTGRES_CDC_URL") }

    /// `mysql://sluice:sluice-pw@127.0.0.1:PORT/sluice_test?connect_timeout=3600` (mysql_native_password).
    public static func mariadbURL() throws -> String { try url("SLUICE_TEST_MARIADB_URL") }

    /// A table name no other test uses: `prefix` plus a random suffix.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }

    private static func url(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { throw Missing(variable: variable) }
        return value
    }
}
