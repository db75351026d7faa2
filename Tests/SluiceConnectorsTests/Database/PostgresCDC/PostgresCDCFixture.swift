import Logging
import PostgresNIO
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// A `postgres_cdc` test against the real PostgreSQL server: unique slot and table names, a
/// connection of its own (PostgresNIO directly) to make changes, and cleanup of the slot,
/// publication and tables it made.
final class PostgresCDCFixture {
    let url: String
    let slot = TestDatabases.uniqueName("cdc")
    var publication: String { "sluice_\(slot)" }
    let resources = SharedResources()
    private let admin: PostgresPooledConnection
    private let logger = Logger(label: "cdc-test")
    private var tables: [String] = []

    private init(url: String, admin: PostgresPooledConnection) {
        self.url = url
        self.admin = admin
    }

    /// The `application_name` of the source's connections, to find them on the server.
    var applicationName: String { "sluice_test_\(slot)" }

    /// Runs `body` with a fresh fixture and cleans up afterwards, also when `body` throws.
    ///
    /// Creating a slot waits until every transaction running at that moment has ended, so an
    /// open transaction of another client of the shared server would hold the test up: after
    /// `timeout` a watchdog cancels the source's waiting statements, which fails the test
    /// with the blocking sessions named, instead of hanging.
    static func with(
        url: String? = nil, timeout: Duration = .seconds(300), _ body: (PostgresCDCFixture) async throws -> Void
    ) async throws {
        let url = try url ?? TestDatabases.postgresCDCURL()
        let endpoint = try PostgresEndpoint(try ValueDecoder().decode(PostgresConnectionConfig.self, from: ["url": .string(url)]))
        let fixture = PostgresCDCFixture(url: url, admin: try await endpoint.connect())
        let watchdog = Self.watchdog(endpoint: endpoint, applicationName: fixture.applicationName, after: timeout)
        defer { watchdog.cancel() }
        do {
            try await body(fixture)
        } catch {
            await fixture.cleanUp()
            throw error
        }
        await fixture.cleanUp()
    }

    private static func watchdog(endpoint: PostgresEndpoint, applicationName: String, after timeout: Duration) -> Task<Void, Never> {
        Task {
            do {
                try await Task.sleep(for: timeout)
                let connection = try await endpoint.connect()
                let rows = try await connection.connection.query(
                    """
                    SELECT pg_blocking_pids(pid)::text, pg_cancel_backend(pid) FROM pg_stat_activity
                    WHERE application_name = \(applicationName) AND wait_event_type = 'Lock'
                    """, logger: Logger(label: "cdc-test")
                ).collect()
                for row in rows {
                    let (blockers, _) = try row.decode((String, Bool).self)
                    Issue.record("a statement of the source waited \(timeout) for locks held by server sessions \(blockers); cancelled")
                }
                await connection.close()
            } catch {}
        }
    }

    /// A unique table name, dropped at cleanup.
    func table(_ prefix: String) -> String {
        let name = TestDatabases.uniqueName(prefix)
        tables.append(name)
        return name
    }

    /// The source with `config` added to the URL and slot.
    func source(_ config: [String: Value] = [:], batchSize: Int = 4096) throws -> PostgresCDCSource {
        var object = ValueObject([("url", .string(url)), ("slot", .string(slot)), ("applicationName", .string(applicationName))])
        for (key, value) in config { object[key] = value }
        let decoded = try ValueDecoder().decode(PostgresCDCSource.Config.self, from: .object(object))
        return try PostgresCDCSource(
            config: decoded, context: ComponentContext(dataRoots: DataRoots([]), batchSize: batchSize, resources: resources))
    }

    /// Runs each statement on its own (autocommit).
    func execute(_ statements: String...) async throws {
        for sql in statements { _ = try await admin.connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect() }
    }

    /// Runs `statements` in one transaction and returns its transaction id.
    @discardableResult func transaction(_ statements: String...) async throws -> Int {
        try await execute("BEGIN")
        for sql in statements { try await execute(sql) }
        let rows = try await admin.connection.query("SELECT (pg_current_xact_id()::text::int8 % 4294967296)::int8", logger: logger).collect()
        try await execute("COMMIT")
        return Int(try rows[0].decode(Int64.self))
    }

    /// The text of the first column of the first row of `sql`, or nil when there is no row.
    func text(_ sql: String) async throws -> String? {
        let rows = try await admin.connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
        return try rows.first?.decode(String?.self)
    }

    /// The slot's confirmed position.
    func confirmedLSN() async throws -> PostgresCDCLSN? {
        try await text("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '\(slot)'").flatMap(PostgresCDCLSN.init)
    }

    /// One whole read: the records and the reader (to confirm or not).
    func read(_ source: PostgresCDCSource) async throws -> (records: [ValueObject], reader: PostgresCDCReader) {
        let reader = try #require(try await source.open() as? PostgresCDCReader)
        var records: [ValueObject] = []
        var positions: [Int] = []
        while let chunk = try await reader.next() {
            #expect(chunk.batch.fields == ["op", "schema", "table", "key", "before", "after", "lsn", "xid", "commitTime"])
            records += chunk.batch.records
            positions += chunk.batch.positions
        }
        #expect(positions == Array(0..<records.count).map { $0 + 1 })
        return (records, reader)
    }

    private func cleanUp() async {
        await resources.shutdown()
        let statements = [
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '\(slot)'",
            "DROP PUBLICATION IF EXISTS \(SQLIdentifier.quoted(publication))",
        ] + tables.map { "DROP TABLE IF EXISTS \(SQLIdentifier.quoted($0))" }
        for sql in statements {
            do {
                try await execute(sql)
            } catch {
                Issue.record("cleanup failed: \(sql): \(PostgresErrorText.describe(error))")
            }
        }
        await admin.close()
    }
}
