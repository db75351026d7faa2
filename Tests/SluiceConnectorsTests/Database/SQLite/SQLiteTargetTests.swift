import Foundation
import SQLiteNIO
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct SQLiteTargetTests {
    static func batch(_ records: [Value], positions: [Int]? = nil) -> RecordBatch {
        RecordBatch(records: records.compactMap(\.objectValue), positions: positions)
    }

    @Test func everyValueKindRoundTripsThroughACreatedTable() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        let long = String(repeating: "ü€𝄞x", count: 50_000)
        let records: [Value] = [
            ["id": .int(Int.max), "price": 1.5, "name": "héllo 🌍", "ok": true,
             "at": .timestamp(Timestamp(microseconds: 1_704_164_645_123_456)), "tags": ["a", 1, nil], "meta": ["k": ["n": -2]]],
            ["id": .int(Int.min), "price": -0.25, "name": .string(long), "ok": false,
             "at": .timestamp(Timestamp(microseconds: -1_000)), "tags": [], "meta": [:]],
            ["id": -1, "price": nil, "name": "", "ok": nil, "at": nil, "tags": nil, "meta": nil],
        ]
        let target = try SQLiteFixture.target(dir, ["path": .string(db), "table": "things"])
        #expect(target.location == "sqlite:\(db)#things")
        #expect(try await SQLiteFixture.write(target, [Self.batch(records)]) == [])
        #expect(try await SQLiteFixture.rows(db, "SELECT name, type FROM pragma_table_info('things') ORDER BY cid") == [
            [.text("id"), .text("INTEGER")], [.text("price"), .text("REAL")], [.text("name"), .text("TEXT")],
            [.text("ok"), .text("BOOLEAN")], [.text("at"), .text("DATETIME")], [.text("tags"), .text("JSON")],
            [.text("meta"), .text("JSON")],
        ])
        #expect(try await SQLiteFixture.rows(db, "SELECT ok, at, tags, meta FROM things WHERE id = -1 OR id > 0 ORDER BY id") == [
            [.null, .null, .null, .null],
            [.integer(1), .text("2024-01-02T03:04:05.123456Z"), .text("[\"a\",1,null]"), .text("{\"k\":{\"n\":-2}}")],
        ])
        let read = try await SQLiteFixture.records(try SQLiteFixture.source(dir, ["path": .string(db), "table": "things"]))
        #expect(read == records)
    }

    @Test func createsTheTableFromTheSchemaWithAKeyIndex() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        let schema = SchemaSpec(fields: [
            FieldSpec(name: "id", type: .number), FieldSpec(name: "amount", type: .number), FieldSpec(name: "name", type: .string),
            FieldSpec(name: "paid", type: .boolean), FieldSpec(name: "day", type: .date), FieldSpec(name: "items", type: .array),
            FieldSpec(name: "extra", type: .object),
        ])
        let target = try SQLiteFixture.target(dir, ["path": .string(db), "table": "orders", "keys": ["id"]], schema: schema)
        _ = try await SQLiteFixture.write(target, [Self.batch([["id": 1, "amount": 2.5, "note": "x"], ["id": 2, "amount": 3]])])
        #expect(try await SQLiteFixture.rows(db, "SELECT name, type FROM pragma_table_info('orders') ORDER BY cid") == [
            [.text("id"), .text("INTEGER")], [.text("amount"), .text("REAL")], [.text("name"), .text("TEXT")],
            [.text("paid"), .text("BOOLEAN")], [.text("day"), .text("DATETIME")], [.text("items"), .text("JSON")],
            [.text("extra"), .text("JSON")], [.text("note"), .text("TEXT")],
        ])
        #expect(try await SQLiteFixture.rows(db, "SELECT name, \"unique\" FROM pragma_index_list('orders')") == [[.text("sluice_orders_keys"), .integer(1)]])
        #expect(try await SQLiteFixture.rows(db, "SELECT id, amount, note, name FROM orders ORDER BY rowid") == [
            [.integer(1), .float(2.5), .text("x"), .null], [.integer(2), .float(3), .null, .null],
        ])

        // With no records at all, the schema alone still makes the table.
        let empty = try SQLiteFixture.target(dir, ["path": .string(db), "table": "empty"], schema: schema)
        _ = try await SQLiteFixture.write(empty, [])
        #expect(try await SQLiteFixture.rows(db, "SELECT count(*) FROM pragma_table_info('empty')") == [[.integer(7)]])
    }

    @Test func commitBatchCommitsEachBatchSoAbortKeepsEarlierBatches() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        let target = try SQLiteFixture.target(dir, ["path": .string(db), "table": "t", "mode": "insert", "commit": "batch"])
        let writer = try await target.open(batchSize: nil)
        try await writer.write(Self.batch([["a": 1, "b": "x"], ["a": 2]]))
        try await writer.write(Self.batch([["b": "only b"]]))
        await writer.abort()
        #expect(try await SQLiteFixture.rows(db, "SELECT a, b FROM t ORDER BY rowid") == [
            [.integer(1), .text("x")], [.integer(2), .null], [.null, .text("only b")],
        ])
    }

    @Test func largeBatchesAreSplitUnderTheParameterLimit() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        let records: [Value] = (1...40_000).map { ["n": .int($0), "s": .string("v\($0)")] }
        _ = try await SQLiteFixture.write(try SQLiteFixture.target(dir, ["path": .string(db), "table": "t"]), [Self.batch(records)])
        #expect(try await SQLiteFixture.rows(db, "SELECT count(*), sum(n), min(rowid), max(rowid), sum(n = rowid) FROM t") == [
            [.integer(40_000), .integer(800_020_000), .integer(1), .integer(40_000), .integer(40_000)],
        ])
    }

    @Test func upsertUpdatesOnlyTheColumnsGiven() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        try await SQLiteFixture.execute(db, [
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, note TEXT DEFAULT 'none')",
            "INSERT INTO customers VALUES (1, 'Ann', 'vip'), (2, 'Bob', 'late payer')",
        ])
        let target = try SQLiteFixture.target(dir, ["path": .string(db), "table": "customers", "mode": "upsert", "keys": ["id"]])
        _ = try await SQLiteFixture.write(target, [
            Self.batch([["id": 1, "name": "Anne"], ["id": 3, "name": "Cy"], ["id": 2, "note": nil]]),
        ])
        #expect(try await SQLiteFixture.rows(db, "SELECT id, name, note FROM customers ORDER BY id") == [
            [.integer(1), .text("Anne"), .text("vip")], [.integer(2), .text("Bob"), .null], [.integer(3), .text("Cy"), .text("none")],
        ])
    }

    @Test func upsertNeedsAUniqueIndexOnTheKeys() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        try await SQLiteFixture.execute(db, ["CREATE TABLE t (id INTEGER, v TEXT)"])
        let target = try SQLiteFixture.target(dir, ["path": .string(db), "table": "t", "mode": "upsert", "keys": ["id"]])
        await #expect(throws: ConnectorError.io(
            "upsert into 't' needs a UNIQUE index or PRIMARY KEY on exactly (id); create one with CREATE UNIQUE INDEX … ON \"t\" (\"id\")")) {
            _ = try await target.open(batchSize: nil)
        }
        try await SQLiteFixture.execute(db, ["CREATE UNIQUE INDEX t_id ON t (id)"])
        _ = try await SQLiteFixture.write(target, [Self.batch([["id": 1, "v": "a"]]), Self.batch([["id": 1, "v": "b"]])])
        #expect(try await SQLiteFixture.rows(db, "SELECT id, v FROM t") == [[.integer(1), .text("b")]])
    }

    @Test func replaceSwapsTheRowsAtCommitAndAbortKeepsTheOldOnes() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        try await SQLiteFixture.execute(db, ["CREATE TABLE t (a INTEGER)", "INSERT INTO t VALUES (1), (2)"])
        let target = try SQLiteFixture.target(dir, ["path": .string(db), "table": "t", "mode": "replace"])

        let aborted = try await target.open(batchSize: nil)
        try await aborted.write(Self.batch([["a": 10]]))
        try await aborted.write(Self.batch([["a": 11]]))
        await aborted.abort()
        #expect(try await SQLiteFixture.rows(db, "SELECT a FROM t ORDER BY a") == [[.integer(1)], [.integer(2)]])

        let failing = try await target.open(batchSize: nil)
        try await failing.write(Self.batch([["a": 10]]))
        await #expect(throws: ConnectorError.io(
            "table 't' in '\(db)' has no column for the field 'b'; add the column (ALTER TABLE … ADD COLUMN) or drop the field")) {
            try await failing.write(Self.batch([["a": 11, "b": 1]]))
        }
        await failing.abort()
        #expect(try await SQLiteFixture.rows(db, "SELECT a FROM t ORDER BY a") == [[.integer(1)], [.integer(2)]])

        _ = try await SQLiteFixture.write(target, [Self.batch([["a": 10]]), Self.batch([["a": 11]])])
        #expect(try await SQLiteFixture.rows(db, "SELECT a FROM t ORDER BY a") == [[.integer(10)], [.integer(11)]])
    }

    @Test func refusedRowsComeBackWithSQLitesMessageAndTheRestLand() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        try await SQLiteFixture.execute(db, [
            "CREATE TABLE stock (sku TEXT UNIQUE, qty INTEGER NOT NULL CHECK (qty >= 0))",
            "INSERT INTO stock VALUES ('a', 1)",
        ])
        for mode in ["insert", "replace"] {
            let target = try SQLiteFixture.target(dir, ["path": .string(db), "table": "stock", "mode": .string(mode)])
            let records: [Value] = [
                ["sku": "b", "qty": 2], ["sku": "a", "qty": 3], ["sku": "c", "qty": -1], ["sku": "d", "qty": nil], ["sku": "e", "qty": 5],
            ]
            let rejected = try await SQLiteFixture.write(target, [Self.batch(records, positions: [10, 11, 12, 13, 14]), Self.batch([records[1]], positions: [20])])
            let expectedDuplicate = mode == "insert" ? "UNIQUE constraint failed: stock.sku" : nil
            #expect(rejected == [
                expectedDuplicate.map { Rejection(record: records[1], reasons: [$0], position: 11, stage: "target") },
                Rejection(record: records[2], reasons: ["CHECK constraint failed: qty >= 0"], position: 12, stage: "target"),
                Rejection(record: records[3], reasons: ["NOT NULL constraint failed: stock.qty"], position: 13, stage: "target"),
                Rejection(record: records[1], reasons: ["UNIQUE constraint failed: stock.sku"], position: 20, stage: "target"),
            ].compactMap { $0 })
        }
        #expect(try await SQLiteFixture.rows(db, "SELECT sku, qty FROM stock ORDER BY rowid") == [
            [.text("b"), .integer(2)], [.text("a"), .integer(3)], [.text("e"), .integer(5)],
        ])
    }

    @Test func missingTablesAndColumnsAreClearErrors() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        try await SQLiteFixture.execute(db, ["CREATE TABLE t (a INTEGER)", "CREATE VIEW v AS SELECT a FROM t"])
        await #expect(throws: ConnectorError.io("SQLite database '\(db)' has no table 'nope' and createTable is false")) {
            _ = try await SQLiteFixture.target(dir, ["path": .string(db), "table": "nope", "createTable": false]).open(batchSize: nil)
        }
        await #expect(throws: ConnectorError.io("'v' in '\(db)' is a view, not a table")) {
            _ = try await SQLiteFixture.target(dir, ["path": .string(db), "table": "v"]).open(batchSize: nil)
        }
        let writer = try await SQLiteFixture.target(dir, ["path": .string(db), "table": "t"]).open(batchSize: nil)
        await #expect(throws: ConnectorError.io(
            "table 't' in '\(db)' has no column for the fields 'b', 'c'; add the column (ALTER TABLE … ADD COLUMN) or drop the field")) {
            try await writer.write(Self.batch([["a": 1, "b": 2], ["c": 3]]))
        }
        await writer.abort()
        await #expect(throws: ConnectorError.io("cannot write SQLite database '\(dir.file("no/out.db"))': directory '\(dir.file("no"))' does not exist")) {
            _ = try await SQLiteFixture.target(dir, ["path": .string(dir.file("no/out.db")), "table": "t"]).open(batchSize: nil)
        }
        try FileManager.default.createDirectory(atPath: dir.file("sub"), withIntermediateDirectories: false)
        await #expect(throws: ConnectorError.io("SQLite database '\(dir.file("sub"))' (from '\(dir.file("sub/"))') is not a regular file")) {
            _ = try await SQLiteFixture.target(dir, ["path": .string(dir.file("sub/")), "table": "t"]).open(batchSize: nil)
        }
    }

    @Test func configurationErrorsNameTheField() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("out.db")
        #expect(throws: SpecError(path: "keys", "upsert needs the key columns that identify a row, e.g. [\"id\"]")) {
            try SQLiteFixture.target(dir, ["path": .string(db), "table": "t", "mode": "upsert"])
        }
        #expect(throws: SpecError(path: "mode", "unknown mode 'merge'; expected one of insert, upsert, replace, apply")) {
            try SQLiteFixture.target(dir, ["path": .string(db), "table": "t", "mode": "merge"])
        }
        #expect(throws: SpecError(path: "mode", "apply (change events) is supported by the postgres and mysql targets; use insert, upsert or replace")) {
            try SQLiteFixture.target(dir, ["path": .string(db), "table": "t", "mode": "apply", "keys": ["id"]])
        }
        #expect(throws: SpecError(path: "keys", "must name at least one column")) {
            try SQLiteFixture.target(dir, ["path": .string(db), "table": "t", "mode": "upsert", "keys": []])
        }
        #expect(throws: SpecError(path: "table", "required field is missing")) {
            try SQLiteFixture.target(dir, ["path": .string(db)])
        }
        #expect(throws: SpecError(path: "table", "must not be empty")) {
            try SQLiteFixture.target(dir, ["path": .string(db), "table": ""])
        }
    }
}
