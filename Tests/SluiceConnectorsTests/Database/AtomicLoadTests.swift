import PostgresNIO
import SluiceConnectors
import SluiceCore
import SluiceMySQLWire
import SluiceTestSupport
import Testing

/// The writers of the database targets hold the whole job in one transaction by default:
/// other sessions see nothing until ``TargetWriter/commit()``, ``TargetWriter/abort()``
/// leaves the table as it was (MySQL's table created by DDL that committed at once is
/// dropped again), and the pooled connection always goes back, even when the server killed
/// it or the job's task was cancelled. (The engine-level failures, cancellations and reruns
/// are in `AtomicDatabaseLoadTests` of the engine tests.)
@Suite struct AtomicLoadTests {
    static func batch(_ ids: ClosedRange<Int>) -> RecordBatch {
        RecordBatch(records: ids.map { id in
            var record = ValueObject()
            record.appendUnchecked(key: "id", value: .int(id))
            record.appendUnchecked(key: "v", value: .string("new \(id)"))
            return record
        })
    }

    // MARK: - Visible only at commit

    @Test func sqliteShowsNothingUntilCommitAndAbortLeavesNoTable() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        try await SQLiteFixture.execute(db, ["CREATE TABLE other (a INTEGER)"])
        let target = try SQLiteFixture.target(dir, ["path": .string(db), "table": "t"])
        let aborted = try await target.open(batchSize: nil)
        try await aborted.write(Self.batch(1...50))
        try await aborted.write(Self.batch(51...100))
        #expect(try await SQLiteFixture.rows(db, "SELECT count(*) FROM sqlite_schema WHERE name = 't'") == [[.integer(0)]])
        await aborted.abort()
        #expect(try await SQLiteFixture.rows(db, "SELECT name FROM sqlite_schema ORDER BY name") == [[.text("other")]])

        let writer = try await target.open(batchSize: nil)
        try await writer.write(Self.batch(1...50))
        try await writer.write(Self.batch(51...100))
        #expect(try await SQLiteFixture.rows(db, "SELECT count(*) FROM sqlite_schema WHERE name = 't'") == [[.integer(0)]])
        try await writer.commit()
        #expect(try await SQLiteFixture.rows(db, "SELECT count(*), sum(id) FROM t") == [[.integer(100), .integer(5050)]])
    }

    @Test func postgresShowsNothingUntilCommit() async throws {
        let table = PostgresFixture.uniqueTable("job")
        try await PostgresFixture.psql("CREATE TABLE \(table) (id int PRIMARY KEY, v text); INSERT INTO \(table) VALUES (1, 'old')")
        try await withAsyncCleanup {
            for mode in ["insert", "upsert"] {
                let target = try PostgresFixture.target(["table": .string(table), "mode": .string(mode), "keys": ["id"]])
                let aborted = try await target.open(batchSize: nil)
                try await aborted.write(Self.batch(2...50))
                try await aborted.write(Self.batch(1...1))
                #expect(try await PostgresFixture.rows("SELECT count(*), max(v) FROM \(table)") == [["1", "old"]])
                await aborted.abort()
                #expect(try await PostgresFixture.rows("SELECT id, v FROM \(table)") == [["1", "old"]])
            }
            let writer = try await PostgresFixture.target(["table": .string(table), "mode": "upsert", "keys": ["id"]]).open(batchSize: nil)
            try await writer.write(Self.batch(1...60))
            #expect(try await PostgresFixture.psql("SELECT count(*) FROM \(table)") == "1")
            try await writer.commit()
            #expect(try await PostgresFixture.rows("SELECT count(*), sum(id), min(v) FROM \(table)") == [["60", "1830", "new 1"]])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func mariadbShowsNothingUntilCommitAndAbortDropsTheTableItCreated() async throws {
        let table = TestDatabases.uniqueName("job")
        defer { Task { await MySQLTestServer.drop(table) } }
        let target = try MySQLFixture.target(["table": .string(table), "keys": ["id"]])
        let aborted = try await target.open(batchSize: nil)
        try await aborted.write(Self.batch(1...50))
        try await aborted.write(Self.batch(51...100))
        // The table exists (DDL commits at once), empty to everyone else.
        #expect(try await MySQLTestServer.rows("SELECT COUNT(*) FROM `\(table)`") == [["0"]])
        await aborted.abort()
        #expect(try await Self.mariadbTableExists(table) == false)

        let writer = try await target.open(batchSize: nil)
        try await writer.write(Self.batch(1...50))
        #expect(try await MySQLTestServer.rows("SELECT COUNT(*) FROM `\(table)`") == [["0"]])
        try await writer.commit()
        #expect(try await MySQLTestServer.rows("SELECT COUNT(*), SUM(id) FROM `\(table)`") == [["50", "1275"]])
    }

    /// A job found the table the aborted job created and committed rows into it: the abort
    /// keeps the table (and those rows).
    @Test func mariadbAbortKeepsACreatedTableThatAnotherJobWroteTo() async throws {
        let table = TestDatabases.uniqueName("shared")
        defer { Task { await MySQLTestServer.drop(table) } }
        let first = try await MySQLFixture.target(["table": .string(table), "keys": ["id"]]).open(batchSize: nil)
        try await first.write(Self.batch(1...10))
        let second = try await MySQLFixture.target(["table": .string(table), "commit": "batch"]).open(batchSize: nil)
        try await second.write(Self.batch(101...103))
        await first.abort()
        try await second.commit()
        #expect(try await MySQLTestServer.rows("SELECT id FROM `\(table)` ORDER BY id") == [["101"], ["102"], ["103"]])
    }

    // MARK: - The pooled connection goes back

    /// The server ends the writer's session mid-job (a restart, a DBA): the rollback fails,
    /// the abort still gives the connection back (closed), the table is as it was, and the
    /// pool serves the next job with a new connection.
    @Test func postgresAbortAfterTheServerKilledTheConnectionReleasesIt() async throws {
        let table = PostgresFixture.uniqueTable("killed")
        try await PostgresFixture.psql("CREATE TABLE \(table) (id int PRIMARY KEY, v text); INSERT INTO \(table) VALUES (1, 'old')")
        try await withAsyncCleanup {
            let resources = SharedResources()
            let application = TestDatabases.uniqueName("sluice_abort")
            let config: Value = ["table": .string(table), "applicationName": .string(application)]
            let target = try PostgresFixture.target(config, resources: resources)
            let pool = try PostgresEndpoint(
                try ValueDecoder().decode(PostgresConnectionConfig.self, from: try PostgresFixture.withURL(["applicationName": .string(application)]))
            ).pool(in: resources)
            #expect(resources.count == 1)

            let writer = try await target.open(batchSize: nil)
            try await writer.write(Self.batch(2...100))
            #expect(try await PostgresFixture.psql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(application)'") == "1")
            await writer.abort()
            let stats = await pool.statistics
            #expect(stats.open == 0)
            #expect(stats.closed == 1)
            #expect(try await PostgresFixture.rows("SELECT id, v FROM \(table)") == [["1", "old"]])

            _ = try await PostgresFixture.write(target, [Self.batch(2...3)])
            #expect(try await PostgresFixture.psql("SELECT count(*) FROM \(table)") == "3")
            #expect(await pool.statistics.opened == 2)
            await resources.shutdown()
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func mariadbAbortAfterTheServerKilledTheConnectionReleasesIt() async throws {
        let table = TestDatabases.uniqueName("killed")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute(["CREATE TABLE `\(table)` (id BIGINT PRIMARY KEY, v LONGTEXT)", "INSERT INTO `\(table)` VALUES (1, 'old')"])
        let resources = SharedResources()
        let target = try MySQLFixture.target(["table": .string(table)], resources: resources)
        let pool = try MySQLPools.pool(for: MySQLTestServer.endpoint(), in: resources)
        #expect(resources.count == 1)
        // The writer gets the pool's one idle connection, whose id is known.
        let probe = try await pool.lease()
        let id = try #require(try await probe.query("SELECT CONNECTION_ID()").rows.first?.first ?? nil)
        await pool.release(probe)

        let writer = try await target.open(batchSize: nil)
        try await writer.write(Self.batch(2...100))
        try await MySQLTestServer.execute(["KILL \(id)"])
        await writer.abort()
        let stats = await pool.statistics
        #expect(stats.open == 0)
        #expect(stats.closed == 1)
        #expect(try await MySQLTestServer.rows("SELECT id, v FROM `\(table)`") == [["1", "old"]])

        #expect(try await MySQLFixture.write(target, [Self.batch(2...3)]) == [])
        #expect(try await MySQLTestServer.rows("SELECT COUNT(*) FROM `\(table)`") == [["3"]])
        await resources.shutdown()
    }

    /// An abort called from a cancelled task (a schedule's timeout) still rolls back, drops
    /// the table the write created, and gives the connection back open for the next job.
    @Test func mariadbAbortInACancelledTaskStillCleansUp() async throws {
        let table = TestDatabases.uniqueName("cancel")
        defer { Task { await MySQLTestServer.drop(table) } }
        let resources = SharedResources()
        let target = try MySQLFixture.target(["table": .string(table)], resources: resources)
        let pool = try MySQLPools.pool(for: MySQLTestServer.endpoint(), in: resources)
        let writer = try await target.open(batchSize: nil)
        try await writer.write(Self.batch(1...100))
        await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await writer.abort()
        }.value
        #expect(try await Self.mariadbTableExists(table) == false)
        let stats = await pool.statistics
        #expect(stats.idle == 1)
        #expect(stats.closed == 0)
        // The next job gets that connection, with no transaction or table lock left on it.
        #expect(try await MySQLFixture.write(target, [Self.batch(1...2)]) == [])
        #expect(try await MySQLTestServer.rows("SELECT COUNT(*) FROM `\(table)`") == [["2"]])
        #expect(await pool.statistics.opened == 1)
        await resources.shutdown()
    }

    @Test func postgresAbortInACancelledTaskRollsBackAndKeepsTheConnection() async throws {
        let table = PostgresFixture.uniqueTable("cancel")
        try await withAsyncCleanup {
            let resources = SharedResources()
            let target = try PostgresFixture.target(["table": .string(table)], resources: resources)
            let pool = try PostgresEndpoint(
                try ValueDecoder().decode(PostgresConnectionConfig.self, from: try PostgresFixture.withURL([:]))
            ).pool(in: resources)
            let writer = try await target.open(batchSize: nil)
            try await writer.write(Self.batch(1...100))
            await Task {
                withUnsafeCurrentTask { $0?.cancel() }
                await writer.abort()
            }.value
            #expect(try await PostgresFixture.psql("SELECT to_regclass('\(table)') IS NULL") == "t")
            let stats = await pool.statistics
            #expect(stats.idle == 1)
            #expect(stats.closed == 0)
            _ = try await PostgresFixture.write(target, [Self.batch(1...2)])
            #expect(try await PostgresFixture.psql("SELECT count(*) FROM \(table)") == "2")
            #expect(await pool.statistics.opened == 1)
            await resources.shutdown()
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE IF EXISTS \(table)")
        }
    }

    // MARK: - Settings

    @Test func replaceRefusesCommitBatch() throws {
        let message =
            "replace empties the table and loads it in one transaction, so the old rows stay until the new ones are all in; "
            + "use commit \"job\" (the default) with replace"
        #expect(throws: SpecError(path: "commit", message)) {
            _ = try DatabaseWriteSettings(table: "t", mode: .replace, keys: nil, createTable: nil, commit: .batch)
        }
        #expect(try DatabaseWriteSettings(table: "t", mode: nil, keys: nil, createTable: nil).commit == .job)
        #expect(try DatabaseWriteSettings(table: "t", mode: .insert, keys: nil, createTable: nil, commit: .batch).oneTransaction(atomicWrites: false) == false)
        #expect(try DatabaseWriteSettings(table: "t", mode: .insert, keys: nil, createTable: nil, commit: .batch).oneTransaction(atomicWrites: true))
        #expect(try DatabaseWriteSettings(table: "t", mode: .upsert, keys: ["id"], createTable: nil).oneTransaction(atomicWrites: false))
    }

    static func mariadbTableExists(_ table: String) async throws -> Bool {
        try await MySQLTestServer.rows(
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '\(table)'") == [["1"]]
    }
}
