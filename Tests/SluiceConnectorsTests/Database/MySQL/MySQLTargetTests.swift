import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct MySQLTargetTests {
    @Test func everyValueKindRoundTripsThroughACreatedTable() async throws {
        let table = TestDatabases.uniqueName("created")
        defer { Task { await MySQLTestServer.drop(table) } }
        let long = String(repeating: "ü€𝄞x", count: 100_000)  // 1 MB of UTF-8
        let records: [Value] = [
            ["id": .int(Int.max), "price": 1.5, "name": "héllo 🌍", "ok": true,
             "at": .timestamp(Timestamp(microseconds: 1_704_164_645_123_456)), "tags": ["a", 1, nil], "meta": ["k": ["n": -2]]],
            ["id": .int(Int.min), "price": -0.25, "name": .string(long), "ok": false,
             "at": .timestamp(Timestamp(microseconds: -1_000_000)), "tags": [], "meta": [:]],
            ["id": -1, "price": nil, "name": "", "ok": nil, "at": nil, "tags": nil, "meta": nil],
        ]
        let target = try MySQLFixture.target(["table": .string(table), "keys": ["id"]])
        let endpoint = try MySQLTestServer.endpoint()
        #expect(target.location == "mysql://sluice@127.0.0.1:\(endpoint.configuration.port)/sluice_test#\(table)")
        #expect(!target.location.contains("sluice-pw"))
        #expect(try await MySQLFixture.write(target, [MySQLFixture.batch(records)]) == [])
        #expect(try await MySQLTestServer.rows(
            "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '\(table)' ORDER BY ORDINAL_POSITION")
            == [["id", "bigint(20)", "PRI"], ["price", "double", ""], ["name", "longtext", ""], ["ok", "tinyint(1)", ""],
                ["at", "datetime(6)", ""], ["tags", "longtext", ""], ["meta", "longtext", ""]])
        #expect(try await MySQLTestServer.rows("SELECT ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '\(table)'")
            == [["InnoDB", "utf8mb4_general_ci"]])
        #expect(try await MySQLTestServer.rows("SELECT id, price, ok, at, tags, meta, LENGTH(name) FROM `\(table)` ORDER BY id") == [
            ["-9223372036854775808", "-0.25", "0", "1969-12-31 23:59:59.000000", "[]", "{}", "\(long.utf8.count)"],
            ["-1", nil, nil, nil, nil, nil, "0"],
            ["9223372036854775807", "1.5", "1", "2024-01-02 03:04:05.123456", "[\"a\",1,null]", "{\"k\":{\"n\":-2}}", "11"],
        ])
        let read = try await MySQLFixture.records(try MySQLFixture.source(["table": .string(table), "where": "id <> ?", "parameters": [0]]))
        let byID = Dictionary(uniqueKeysWithValues: read.map { ($0.objectValue?["id"] ?? nil, $0) })
        for record in records {
            #expect(byID[record.objectValue?["id"] ?? nil] == record)
        }
    }

    @Test func createsTheTableFromTheSchema() async throws {
        let table = TestDatabases.uniqueName("schema")
        defer { Task { await MySQLTestServer.drop(table) } }
        let schema = SchemaSpec(fields: [
            FieldSpec(name: "code", type: .string), FieldSpec(name: "amount", type: .number), FieldSpec(name: "paid", type: .boolean),
            FieldSpec(name: "day", type: .date), FieldSpec(name: "items", type: .array),
        ])
        let target = try MySQLFixture.target(["table": .string(table), "keys": ["code"]], schema: schema)
        // No records: the schema alone makes the table at commit.
        #expect(try await MySQLFixture.write(target, []) == [])
        #expect(try await MySQLTestServer.rows(
            "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '\(table)' ORDER BY ORDINAL_POSITION")
            == [["code", "varchar(255)", "NO", "PRI"], ["amount", "double", "YES", ""], ["paid", "tinyint(1)", "YES", ""],
                ["day", "datetime(6)", "YES", ""], ["items", "longtext", "YES", ""]])
        // MariaDB's JSON is LONGTEXT with a json_valid CHECK: invalid JSON text is refused.
        #expect(try await MySQLTestServer.rows(
            "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = '\(table)'")
            == [["json_valid(`items`)"]])
    }

    @Test func commitBatchCommitsEachBatchSoAbortKeepsEarlierBatches() async throws {
        let table = TestDatabases.uniqueName("ins")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute(["CREATE TABLE `\(table)` (a BIGINT, b VARCHAR(20) DEFAULT 'dflt')"])
        let target = try MySQLFixture.target(["table": .string(table), "mode": "insert", "commit": "batch"])
        let writer = try await target.open(batchSize: nil)
        try await writer.write(MySQLFixture.batch([["a": 1, "b": "x"], ["a": 2]]))
        try await writer.write(MySQLFixture.batch([["b": "only b"], ["a": 3, "b": nil]]))
        await writer.abort()
        #expect(try await MySQLTestServer.rows("SELECT a, b FROM `\(table)` ORDER BY a") == [
            [nil, "only b"], ["1", "x"], ["2", "dflt"], ["3", nil],
        ])
    }

    @Test func atomicWritesHoldTheWholeJobUntilCommit() async throws {
        let table = TestDatabases.uniqueName("atomic")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute(["CREATE TABLE `\(table)` (a BIGINT)"])
        let target = try MySQLFixture.target(["table": .string(table)], atomicWrites: true)
        let aborted = try await target.open(batchSize: nil)
        try await aborted.write(MySQLFixture.batch([["a": 1]]))
        try await aborted.write(MySQLFixture.batch([["a": 2]]))
        #expect(try await MySQLTestServer.rows("SELECT COUNT(*) FROM `\(table)`") == [["0"]])
        await aborted.abort()
        #expect(try await MySQLTestServer.rows("SELECT COUNT(*) FROM `\(table)`") == [["0"]])
        #expect(try await MySQLFixture.write(target, [MySQLFixture.batch([["a": 5]]), MySQLFixture.batch([["a": 6]])]) == [])
        #expect(try await MySQLTestServer.rows("SELECT a FROM `\(table)` ORDER BY a") == [["5"], ["6"]])
    }

    @Test func upsertUpdatesOnlyTheColumnsTheRecordsHave() async throws {
        let table = TestDatabases.uniqueName("ups")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute([
            "CREATE TABLE `\(table)` (id INT PRIMARY KEY, name VARCHAR(20), qty INT, note VARCHAR(20))",
            "INSERT INTO `\(table)` VALUES (1, 'one', 10, 'keep'), (2, 'two', 20, 'keep2')",
        ])
        let target = try MySQLFixture.target(["table": .string(table), "mode": "upsert", "keys": ["id"]])
        #expect(try await MySQLFixture.write(target, [
            MySQLFixture.batch([["id": 1, "qty": 11], ["id": 3, "name": "three", "qty": 30], ["id": 2, "name": "TWO", "note": nil]]),
            MySQLFixture.batch([["id": 3, "qty": 31], ["id": 4]]),
        ]) == [])
        #expect(try await MySQLTestServer.rows("SELECT id, name, qty, note FROM `\(table)` ORDER BY id") == [
            ["1", "one", "11", "keep"], ["2", "TWO", "20", nil], ["3", "three", "31", nil], ["4", nil, nil, nil],
        ])
    }

    @Test func upsertWithoutAUniqueKeyOnTheKeysFailsClearly() async throws {
        let table = TestDatabases.uniqueName("nokey")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute(["CREATE TABLE `\(table)` (id INT, other INT, UNIQUE (id, other))"])
        let target = try MySQLFixture.target(["table": .string(table), "mode": "upsert", "keys": ["id"]])
        await #expect(throws: ConnectorError.io(
            "upsert into '\(table)' needs a PRIMARY KEY or UNIQUE index on exactly (id); create one with ALTER TABLE `\(table)` ADD UNIQUE (`id`)"
        )) {
            _ = try await target.open(batchSize: nil)
        }
        let missing = try MySQLFixture.target(["table": .string(table), "mode": "upsert", "keys": ["nope"]])
        await #expect(throws: ConnectorError.io("table '\(table)' has no key column 'nope'")) {
            _ = try await missing.open(batchSize: nil)
        }
    }

    @Test func replaceSwapsTheRowsInOneTransactionAndAbortKeepsTheOldOnes() async throws {
        let table = TestDatabases.uniqueName("repl")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute([
            "CREATE TABLE `\(table)` (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO `\(table)` VALUES (1, 'old1'), (2, 'old2')",
        ])
        let target = try MySQLFixture.target(["table": .string(table), "mode": "replace"])
        let aborted = try await target.open(batchSize: nil)
        try await aborted.write(MySQLFixture.batch([["id": 7, "v": "new"]]))
        // Another connection still sees the old rows while the job runs.
        #expect(try await MySQLTestServer.rows("SELECT id, v FROM `\(table)` ORDER BY id") == [["1", "old1"], ["2", "old2"]])
        await aborted.abort()
        #expect(try await MySQLTestServer.rows("SELECT id, v FROM `\(table)` ORDER BY id") == [["1", "old1"], ["2", "old2"]])

        #expect(try await MySQLFixture.write(target, [
            MySQLFixture.batch([["id": 1, "v": "new1"]]), MySQLFixture.batch([["id": 5, "v": "new5"]]),
        ]) == [])
        #expect(try await MySQLTestServer.rows("SELECT id, v FROM `\(table)` ORDER BY id") == [["1", "new1"], ["5", "new5"]])
    }

    @Test func refusedRowsAreRejectedWithTheServersMessageAndTheRestLand() async throws {
        let table = TestDatabases.uniqueName("rej")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute([
            "CREATE TABLE `\(table)` (id INT PRIMARY KEY, name VARCHAR(5) NOT NULL, qty INT CHECK (qty >= 0))",
            "INSERT INTO `\(table)` VALUES (1, 'one', 1)",
        ])
        let target = try MySQLFixture.target(["table": .string(table)])
        let rejected = try await MySQLFixture.write(target, [
            MySQLFixture.batch(
                [["id": 1, "name": "dup", "qty": 1], ["id": 2, "name": "two", "qty": 2], ["id": 3, "name": nil, "qty": 3],
                 ["id": 4, "name": "toolong", "qty": 4], ["id": 5, "name": "five", "qty": -5], ["id": 6, "name": "six", "qty": 6]],
                positions: [11, 12, 13, 14, 15, 16])
        ])
        #expect(rejected.map(\.position) == [11, 13, 14, 15])
        #expect(rejected.map(\.reasons) == [
            ["Duplicate entry '1' for key 'PRIMARY'"], ["Column 'name' cannot be null"], ["Data too long for column 'name' at row 1"],
            ["CONSTRAINT `\(table).qty` failed for `sluice_test`.`\(table)`"],
        ])
        #expect(rejected.first?.record == ["id": 1, "name": "dup", "qty": 1])
        #expect(rejected.allSatisfy { $0.stage == "target" })
        #expect(try await MySQLTestServer.rows("SELECT id, name, qty FROM `\(table)` ORDER BY id") == [
            ["1", "one", "1"], ["2", "two", "2"], ["6", "six", "6"],
        ])
    }

    @Test func applyReplaysChangeEventsInOrder() async throws {
        let table = TestDatabases.uniqueName("apply")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute([
            "CREATE TABLE `\(table)` (id INT PRIMARY KEY, name VARCHAR(20), qty INT)", "INSERT INTO `\(table)` VALUES (9, 'gone', 0)",
        ])
        let target = try MySQLFixture.target(["table": .string(table), "mode": "apply", "keys": ["id"]])
        let events: [Value] = [
            ["op": "truncate"],
            ["op": "insert", "key": ["id": 1], "after": ["id": 1, "name": "a", "qty": 1]],
            ["op": "insert", "key": ["id": 2], "after": ["id": 2, "name": "b", "qty": 2]],
            ["op": "update", "key": ["id": 1], "before": ["id": 1, "name": "a", "qty": 1], "after": ["id": 1, "name": "a2", "qty": 10]],
            ["op": "delete", "key": ["id": 2], "before": ["id": 2, "name": "b", "qty": 2]],
            ["op": "insert", "key": ["id": 3], "after": ["id": 3, "name": "c", "qty": 3]],
            ["op": "update", "key": ["id": 3], "after": ["id": 3, "qty": 33]],
            ["op": "explode"],
            ["op": "insert", "key": ["id": 2], "after": ["id": 2, "name": "b again", "qty": 4]],
            ["op": "insert", "key": ["id": 7], "after": ["id": 7, "name": "g", "qty": 7]],
            ["op": "update", "key": ["id": 7], "after": ["id": 8, "name": "g moved", "qty": 8]],
            ["op": "delete", "key": ["id": 99]],
            ["op": "update", "key": ["id": 3]],
        ]
        let rejected = try await MySQLFixture.write(target, [MySQLFixture.batch(events)])
        #expect(rejected.map(\.position) == [8, 13])
        #expect(rejected.map(\.reasons) == [
            ["change event has no known 'op' (expected insert, update, delete or truncate), found \"explode\""],
            ["change event 'update' has no 'after' object"],
        ])
        #expect(try await MySQLTestServer.rows("SELECT id, name, qty FROM `\(table)` ORDER BY id") == [
            ["1", "a2", "10"], ["2", "b again", "4"], ["3", "c", "33"], ["8", "g moved", "8"],
        ])
    }

    @Test func configErrorsNameTheirPath() throws {
        #expect(throws: SpecError(path: "database", "required: the database the table is in (in the url or as database)")) {
            _ = try MySQLFixture.target(["url": "mysql://u:p@h:1", "table": "t"])
        }
        #expect(throws: SpecError(path: "url", "must start with mysql:// or mariadb://")) {
            _ = try MySQLFixture.target(["url": "postgres://u@h/db", "table": "t"])
        }
        #expect(throws: SpecError(path: "keys", "upsert needs the key columns that identify a row, e.g. [\"id\"]")) {
            _ = try MySQLFixture.target(["url": "mysql://u@h/db", "table": "t", "mode": "upsert"])
        }
        #expect(throws: SpecError(path: "url", "unknown URL parameter 'foo'; supported: tls, caFile, connect_timeout")) {
            _ = try MySQLFixture.source(["url": "mariadb://u@h/db?foo=1", "table": "t"])
        }
        #expect(throws: SpecError(path: "url", "connect_timeout must be a positive number of seconds, found '0'")) {
            _ = try MySQLFixture.source(["url": "mariadb://u@h/db?connect_timeout=0", "table": "t"])
        }
        #expect(throws: SpecError(path: "connectTimeoutSeconds", "must be a positive number of seconds")) {
            _ = try MySQLFixture.source(["url": "mariadb://u@h/db", "table": "t", "connectTimeoutSeconds": -1])
        }
        #expect(try MySQLConnectionOptions(url: "mysql://u@h/db?connect_timeout=2.5").resolve().configuration.connectTimeout == .milliseconds(2500))
        #expect(try MySQLConnectionOptions(url: "mysql://u@h/db").resolve().configuration.connectTimeout == .seconds(10))
        #expect(throws: SpecError(path: "parameters", "query has 2 ? placeholders but 1 parameter is given")) {
            _ = try MySQLFixture.source(["url": "mysql://u@h/db", "query": "SELECT ? , '?' , ?", "parameters": [1]])
        }
    }

    @Test func bigBatchesAreSplitUnderMaxAllowedPacketAndThePlaceholderLimit() async throws {
        let table = TestDatabases.uniqueName("big")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute(["CREATE TABLE `\(table)` (n BIGINT, t LONGTEXT)"])
        // The test server's max_allowed_packet is 16 MB: 24 rows of 1 MB cannot go in one statement.
        let megabyte = String(repeating: "abcdefgh", count: 131_072)
        let large = (0..<24).map { index -> Value in ["n": .int(index), "t": .string(megabyte)] }
        // 70,000 one-column rows need two statements under 65,535 placeholders.
        let many = (1...70_000).map { index -> Value in ["n": .int(index)] }
        let target = try MySQLFixture.target(["table": .string(table)])
        #expect(try await MySQLFixture.write(target, [MySQLFixture.batch(large), MySQLFixture.batch(many)]) == [])
        #expect(try await MySQLTestServer.rows("SELECT COUNT(*), SUM(n), SUM(LENGTH(t)), COUNT(DISTINCT t) FROM `\(table)`")
            == [["70024", "2450035276", "25165824", "1"]])  // 70000·70001/2 + 23·24/2; 24 · 1,048,576
    }

    @Test func fieldsWithoutAColumnFailTheJobClearly() async throws {
        let table = TestDatabases.uniqueName("cols")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute(["CREATE TABLE `\(table)` (a INT)"])
        let target = try MySQLFixture.target(["table": .string(table)])
        let location = try MySQLTestServer.endpoint().location
        await #expect(throws: ConnectorError.io(
            "table '\(table)' of \(location)#\(table) has no column for the fields 'b', 'c'; add the column (ALTER TABLE … ADD COLUMN) or drop the field"
        )) {
            _ = try await MySQLFixture.write(target, [MySQLFixture.batch([["a": 1, "b": 2], ["c": 3]])])
        }
        #expect(try await MySQLTestServer.rows("SELECT COUNT(*) FROM `\(table)`") == [["0"]])
        let missing = try MySQLFixture.target(["table": "no_such_table_x", "createTable": false])
        await #expect(throws: ConnectorError.io("\(location) has no table 'no_such_table_x' and createTable is false")) {
            _ = try await missing.open(batchSize: nil)
        }
    }

    @Test func aWriterDroppedWithoutCommitRollsBackAndClosesItsConnection() async throws {
        let table = TestDatabases.uniqueName("drop")
        defer { Task { await MySQLTestServer.drop(table) } }
        try await MySQLTestServer.execute(["CREATE TABLE `\(table)` (id INT PRIMARY KEY)", "INSERT INTO `\(table)` VALUES (1)"])
        let resources = SharedResources()
        let target = try MySQLFixture.target(["table": .string(table), "mode": "replace"], resources: resources)
        var writer: (any TargetWriter)? = try await target.open(batchSize: nil)
        try await writer?.write(MySQLFixture.batch([["id": 2]]))
        writer = nil
        let pool = try MySQLPools.pool(for: try MySQLTestServer.endpoint(), in: resources)
        var stats = await pool.statistics
        for _ in 0..<250 where stats.closed == 0 {
            try await Task.sleep(for: .milliseconds(20))
            stats = await pool.statistics
        }
        #expect(stats.closed == 1)
        #expect(stats.open == 0)
        // The server rolled back the job's transaction when the connection closed: a locking
        // read (which would wait for the DELETE's row locks) sees the old row at once.
        let check = try await MySQLTestServer.connect()
        try await check.execute("SET SESSION innodb_lock_wait_timeout = 5")
        try await check.execute("BEGIN")
        #expect(try await check.query("SELECT id FROM `\(table)` ORDER BY id FOR UPDATE").rows == [["1"]])
        try await check.execute("ROLLBACK")
        await check.close()
        await resources.shutdown()
    }
}
