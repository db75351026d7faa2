import SQLiteNIO
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct SQLiteSourceTests {
    @Test func mapsEveryStorageClassAndDeclaredType() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("app.db")
        let long = String(repeating: "ü€𝄞x", count: 50_000)
        try await SQLiteFixture.execute(db, [
            "CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, flag BOOLEAN, at DATETIME, day DATE, doc JSON)",
            "INSERT INTO t VALUES (9223372036854775807, 1.5, 'héllo 🌍', x'000102FFFE', 1, '2024-01-02T03:04:05.123Z', '2024-02-29', '{\"a\":[1,2.5,null],\"b\":\"x\"}')",
            "INSERT INTO t VALUES (-9223372036854775808, -0.25, '', x'', 0, '2024-01-02 03:04', 'soon', '[true]')",
            "INSERT INTO t VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
            "INSERT INTO t VALUES (0, 1e300, ?, x'FF', 2, 17, 'x', 'not json')",
        ], binds: [.text(long)])
        let records = try await SQLiteFixture.records(try SQLiteFixture.source(dir, ["path": .string(db), "table": "t"]))
        let expected: [Value] = [
            ["i": .int(Int.max), "r": 1.5, "s": "héllo 🌍", "b": "AAEC//4=", "flag": true,
             "at": .timestamp(Timestamp(microseconds: 1_704_164_645_123_000)), "day": .timestamp(Timestamp(microseconds: 1_709_164_800_000_000)),
             "doc": ["a": [1, 2.5, nil], "b": "x"]],
            ["i": .int(Int.min), "r": -0.25, "s": "", "b": "", "flag": false,
             "at": .timestamp(Timestamp(microseconds: 1_704_164_640_000_000)), "day": "soon", "doc": [true]],
            ["i": nil, "r": nil, "s": nil, "b": nil, "flag": nil, "at": nil, "day": nil, "doc": nil],
            ["i": 0, "r": 1e300, "s": .string(long), "b": "/w==", "flag": 2, "at": 17, "day": "x", "doc": "not json"],
        ]
        #expect(records == expected)
    }

    @Test func streamsManyRowsOnceInOrderInSmallBatches() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("big.db")
        try await SQLiteFixture.execute(db, [
            "CREATE TABLE big (id INTEGER, label TEXT)",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 25000) INSERT INTO big SELECT x, 'r' || x FROM c ORDER BY random()",
        ])
        let table = try await SQLiteFixture.read(try SQLiteFixture.source(dir, ["path": .string(db), "table": "big"], batchSize: 700))
        #expect(table.count == 36)
        #expect(table.map(\.count) == Array(repeating: 700, count: 35) + [500])
        let rowidOrder = try await SQLiteFixture.rows(db, "SELECT id FROM big ORDER BY rowid").map { $0[0].integer ?? 0 }
        #expect(table.flatMap { batch in (0..<batch.count).map { batch.value(row: $0, column: 0) } } == rowidOrder.map { Value.int($0) })
        #expect(table.flatMap(\.positions) == Array(1...25000))

        let query = try await SQLiteFixture.read(
            try SQLiteFixture.source(dir, ["path": .string(db), "query": "SELECT id, label FROM big WHERE id > ? ORDER BY id DESC", "parameters": [10]], batchSize: 999))
        #expect(query.map(\.count) == Array(repeating: 999, count: 25) + [15])
        let records = query.flatMap(\.records).map { Value.object($0) }
        #expect(records.map { $0.value(atPath: "id") ?? .null } == (11...25000).reversed().map { Value.int($0) })
        #expect(records.first == ["id": 25000, "label": "r25000"])
    }

    @Test func tableFormSelectsColumnsAndFiltersWithParameters() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("app.db")
        try await SQLiteFixture.execute(db, [
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL, customer TEXT)",
            "INSERT INTO orders VALUES (1, 50, 'a'), (2, 150, 'b'), (3, 250.5, 'c'), (4, 300, 'd')",
        ])
        let absolute = try SQLiteFixture.source(dir, [
            "path": .string(db), "table": "orders", "columns": ["amount", "id"], "where": "amount > ? AND customer <> ?", "parameters": [100, "d"],
        ])
        #expect(absolute.location == "sqlite:\(db)#orders")
        #expect(try await SQLiteFixture.records(absolute) == [["amount": 150.0, "id": 2], ["amount": 250.5, "id": 3]])
    }

    @Test func viewsWithoutRowidTablesAndWeirdNamesAreRead() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("app.db")
        let weird = "we\"ird tab;le' --"
        try await SQLiteFixture.execute(db, [
            "CREATE TABLE \"we\"\"ird tab;le' --\" (\"sel\"\"ect\" INTEGER, \"rowid\" TEXT, flag BOOLEAN)",
            "INSERT INTO \"we\"\"ird tab;le' --\" VALUES (2, 'two', 1), (1, 'one', 0)",
            "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID",
            "INSERT INTO kv VALUES ('b', 2), ('a', 1)",
            "CREATE VIEW flags AS SELECT \"sel\"\"ect\" AS n, flag FROM \"we\"\"ird tab;le' --\"",
        ])
        #expect(try await SQLiteFixture.records(try SQLiteFixture.source(dir, ["path": .string(db), "table": .string(weird)]))
            == [["sel\"ect": 2, "rowid": "two", "flag": true], ["sel\"ect": 1, "rowid": "one", "flag": false]])
        #expect(try await SQLiteFixture.records(try SQLiteFixture.source(dir, ["path": .string(db), "table": "kv", "where": "v > ?", "parameters": [0]], batchSize: 1))
            == [["k": "a", "v": 1], ["k": "b", "v": 2]])
        #expect(try await SQLiteFixture.records(try SQLiteFixture.source(dir, ["path": .string(db), "table": "flags"]))
            == [["n": 2, "flag": true], ["n": 1, "flag": false]])
    }

    @Test func missingFilesTablesAndColumnsAreClearErrors() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("app.db")
        await #expect(throws: ConnectorError.io("SQLite database '\(dir.file("none.db"))' does not exist")) {
            _ = try await SQLiteFixture.read(try SQLiteFixture.source(dir, ["path": .string(dir.file("none.db")), "table": "t"]))
        }
        // Messages name the resolved path, and the configured one when it differs.
        await #expect(throws: ConnectorError.io("SQLite database '\(dir.file("none.db"))' (from '\(dir.file("x/../none.db"))') does not exist")) {
            _ = try await SQLiteFixture.read(try SQLiteFixture.source(dir, ["path": .string(dir.file("x/../none.db")), "table": "t"]))
        }
        #expect(try dir.list() == [])
        try await SQLiteFixture.execute(db, ["CREATE TABLE t (a INTEGER)"])
        await #expect(throws: ConnectorError.io("SQLite database '\(db)' has no table or view 'orders'")) {
            _ = try await SQLiteFixture.read(try SQLiteFixture.source(dir, ["path": .string(db), "table": "orders"]))
        }
        await #expect(throws: ConnectorError.io("table 't' of '\(db)' has no column 'b', 'c'")) {
            _ = try await SQLiteFixture.read(try SQLiteFixture.source(dir, ["path": .string(db), "table": "t", "columns": ["a", "b", "c"]]))
        }
        await #expect(throws: ConnectorError.io("SQLite query on '\(db)' failed: no such table: nope")) {
            _ = try await SQLiteFixture.read(try SQLiteFixture.source(dir, ["path": .string(db), "query": "SELECT * FROM nope"]))
        }
        try dir.write("text.db", "this is not a database, just some text that is long enough to have a header")
        await #expect(throws: ConnectorError.io("cannot read SQLite database '\(dir.file("text.db"))': file is not a database")) {
            _ = try await SQLiteFixture.read(try SQLiteFixture.source(dir, ["path": .string(dir.file("text.db")), "table": "t"]))
        }
    }

    @Test func aQueryThatIsNotASelectIsRefusedAndChangesNothing() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("app.db")
        try await SQLiteFixture.execute(db, ["CREATE TABLE t (a INTEGER)", "INSERT INTO t VALUES (1)"])
        await #expect(throws: ConnectorError.io("SQLite query on '\(db)' failed: near \"DELETE\": syntax error")) {
            _ = try await SQLiteFixture.read(try SQLiteFixture.source(dir, ["path": .string(db), "query": "DELETE FROM t"]))
        }
        #expect(try await SQLiteFixture.rows(db, "SELECT a FROM t") == [[.integer(1)]])
    }

    @Test func configurationErrorsNameTheField() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("app.db")
        #expect(throws: SpecError(path: "query", "give either table or query, not both")) {
            try SQLiteFixture.source(dir, ["path": .string(db), "table": "t", "query": "SELECT 1"])
        }
        #expect(throws: SpecError(path: "table", "required: give the table to read, or a query")) {
            try SQLiteFixture.source(dir, ["path": .string(db)])
        }
        #expect(throws: SpecError(path: "columns", "only applies to table; select the columns in the query")) {
            try SQLiteFixture.source(dir, ["path": .string(db), "query": "SELECT 1", "columns": ["a"]])
        }
        #expect(throws: SpecError(path: "columns[1]", "'a' is listed twice")) {
            try SQLiteFixture.source(dir, ["path": .string(db), "table": "t", "columns": ["a", "a"]])
        }
        #expect(throws: SpecError(path: "parameters[1]", "expected a string, number, boolean or null, found object")) {
            try SQLiteFixture.source(dir, ["path": .string(db), "query": "SELECT ?, ?", "parameters": [1, ["x": 1]]])
        }
        #expect(throws: SpecError(path: "table", "must not be empty")) {
            try SQLiteFixture.source(dir, ["path": .string(db), "table": ""])
        }
    }
}
