import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct PostgresTargetTests {
    static func ts(_ micros: Int64) -> Value { .timestamp(Timestamp(microseconds: micros)) }

    @Test func everyValueKindRoundTripsThroughACreatedTable() async throws {
        let table = PostgresFixture.uniqueTable("kinds")
        try await withAsyncCleanup {
            let long = String(repeating: "ü€𝄞x", count: 50_000)
            let records: [Value] = [
                ["id": .int(Int.max), "price": 1.5, "name": "héllo 🌍\ttab\\back\nline\r", "ok": true,
                 "at": Self.ts(1_704_164_645_123_456), "tags": ["a", 1, nil, "q\"\\"], "meta": ["k": ["n": -2]]],
                ["id": .int(Int.min), "price": -0.25, "name": .string(long), "ok": false, "at": Self.ts(-1_000), "tags": [], "meta": [:]],
                ["id": -1, "price": nil, "name": "", "ok": nil, "at": nil, "tags": nil, "meta": nil],
            ]
            let target = try PostgresFixture.target(["table": .string(table)])
            #expect(target.location == "\(try PostgresFixture.url())#\(table)")
            #expect(try await PostgresFixture.write(target, [PostgresFixture.batch(records)]) == [])
            #expect(try await PostgresFixture.rows(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '\(table)' ORDER BY ordinal_position") == [
                    ["id", "bigint"], ["price", "double precision"], ["name", "text"], ["ok", "boolean"],
                    ["at", "timestamp with time zone"], ["tags", "jsonb"], ["meta", "jsonb"],
                ])
            #expect(try await PostgresFixture.rows("SELECT at, tags, meta, name = '' FROM \(table) ORDER BY id") == [
                ["1969-12-31 23:59:59.999+00", "[]", "{}", "f"], ["", "", "", "t"],
                ["2024-01-02 03:04:05.123456+00", "[\"a\", 1, null, \"q\\\"\\\\\"]", "{\"k\": {\"n\": -2}}", "f"],
            ])
            let read = try await PostgresFixture.records(
                try PostgresFixture.source(["query": .string("SELECT * FROM \(table) ORDER BY id = -1, id DESC")]))
            // The long text is compared apart, so a failure does not print 200 KB.
            let longMatches = read.count == 3 && read[1].objectValue?["name"] == .string(long)
            #expect(longMatches)
            func withoutName(_ values: [Value]) -> [Value] {
                values.map { value in .object(ValueObject((value.objectValue?.pairs ?? zip([], [])).filter { $0.0 != "name" || $0.1 != .string(long) })) }
            }
            #expect(withoutName(read) == withoutName(records))
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE IF EXISTS \(table)")
        }
    }

    @Test func existingColumnsOfOtherTypesReadTheText() async throws {
        let table = PostgresFixture.uniqueTable("cast")
        try await PostgresFixture.psql("""
            CREATE TABLE \(table) (n numeric(10,2), d date, u uuid, arr int[], tarr text[], ts timestamp, ip inet, i int, f real);
            """)
        try await withAsyncCleanup {
            let target = try PostgresFixture.target(["table": .string(table)])
            let rejected = try await PostgresFixture.write(target, [PostgresFixture.batch([
                ["n": 12.5, "d": "2024-01-02", "u": "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "arr": [1, 2, nil], "tarr": ["a,b", "c\"d", nil],
                 "ts": Self.ts(1_704_164_645_000_000), "ip": "10.1.2.3", "i": 7.0, "f": 0.25],
            ])])
            #expect(rejected == [])
            #expect(try await PostgresFixture.rows("SELECT n, d, u, arr, tarr, ts, ip, i, f FROM \(table)") == [[
                "12.50", "2024-01-02", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "{1,2,NULL}", "{\"a,b\",\"c\\\"d\",NULL}",
                "2024-01-02 03:04:05", "10.1.2.3", "7", "0.25",
            ]])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func createsTheTableFromTheSchemaWithAPrimaryKey() async throws {
        let table = PostgresFixture.uniqueTable("orders")
        let empty = PostgresFixture.uniqueTable("empty")
        try await withAsyncCleanup {
            let schema = SchemaSpec(fields: [
                FieldSpec(name: "id", type: .number), FieldSpec(name: "amount", type: .number), FieldSpec(name: "name", type: .string),
                FieldSpec(name: "paid", type: .boolean), FieldSpec(name: "day", type: .date), FieldSpec(name: "items", type: .array),
                FieldSpec(name: "extra", type: .object),
            ])
            let target = try PostgresFixture.target(["table": .string(table), "keys": ["id"]], schema: schema)
            _ = try await PostgresFixture.write(target, [PostgresFixture.batch([["id": 1, "amount": 2.5, "note": "x"], ["id": 2, "amount": 3]])])
            #expect(try await PostgresFixture.rows(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '\(table)' ORDER BY ordinal_position") == [
                    ["id", "bigint"], ["amount", "double precision"], ["name", "text"], ["paid", "boolean"],
                    ["day", "timestamp with time zone"], ["items", "jsonb"], ["extra", "jsonb"], ["note", "text"],
                ])
            #expect(try await PostgresFixture.psql("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '\(table)'::regclass") == "PRIMARY KEY (id)")
            #expect(try await PostgresFixture.rows("SELECT id, amount, note, name FROM \(table) ORDER BY id") == [["1", "2.5", "x", ""], ["2", "3", "", ""]])

            // With no records at all, the schema alone still makes the table.
            let schemaOnly = try PostgresFixture.target(["table": .string(empty)], schema: schema)
            _ = try await PostgresFixture.write(schemaOnly, [])
            #expect(try await PostgresFixture.psql("SELECT count(*) FROM information_schema.columns WHERE table_name = '\(empty)'") == "7")
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE IF EXISTS \(table), \(empty)")
        }
    }

    @Test func commitBatchCommitsEachBatchSoAbortKeepsEarlierBatches() async throws {
        let table = PostgresFixture.uniqueTable("ins")
        try await PostgresFixture.psql("CREATE TABLE \(table) (a int, b text DEFAULT 'dflt')")
        try await withAsyncCleanup {
            let target = try PostgresFixture.target(["table": .string(table), "mode": "insert", "commit": "batch"])
            let writer = try await target.open(batchSize: nil)
            try await writer.write(PostgresFixture.batch([["a": 1, "b": "x"], ["a": 2], ["a": 3, "b": nil]]))
            try await writer.write(PostgresFixture.batch([["b": "only b"]]))
            await writer.abort()
            #expect(try await PostgresFixture.rows("SELECT a, b, b IS NULL FROM \(table) ORDER BY a NULLS LAST") == [
                ["1", "x", "f"], ["2", "dflt", "f"], ["3", "", "t"], ["", "only b", "f"],
            ])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func upsertUpdatesOnlyTheFieldsTheRecordsHave() async throws {
        let table = PostgresFixture.uniqueTable("ups")
        try await PostgresFixture.psql("""
            CREATE TABLE \(table) (id int PRIMARY KEY, a text, b text, n int DEFAULT 5);
            INSERT INTO \(table) VALUES (1, 'a1', 'b1', 1), (2, 'a2', 'b2', 2);
            """)
        try await withAsyncCleanup {
            let target = try PostgresFixture.target(["table": .string(table), "mode": "upsert", "keys": ["id"]])
            let rejected = try await PostgresFixture.write(target, [
                PostgresFixture.batch([["id": 1, "a": "A1"], ["id": 3, "a": "a3", "b": "b3"], ["id": 1, "a": "A1bis"]]),
                PostgresFixture.batch([["id": 2, "b": "x"], ["id": 2, "b": "y"], ["id": 4, "b": "z"]]),
            ])
            #expect(rejected == [])
            #expect(try await PostgresFixture.rows("SELECT id, a, b, n FROM \(table) ORDER BY id") == [
                ["1", "A1bis", "b1", "1"], ["2", "a2", "y", "2"], ["3", "a3", "b3", "5"], ["4", "", "z", "5"],
            ])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func largeBatchesSpanSeveralCopyMessagesAndTheLastDuplicateWins() async throws {
        let table = PostgresFixture.uniqueTable("big")
        try await withAsyncCleanup {
            let records: [Value] = (0..<3000).map { ["id": .int($0 % 1000), "v": .int($0), "s": .string("row\t\($0)\\")] }
            let target = try PostgresFixture.target(["table": .string(table), "mode": "upsert", "keys": ["id"]])
            #expect(try await PostgresFixture.write(target, [PostgresFixture.batch(records)]) == [])
            // Row 2000 + k is the last with id k.
            #expect(try await PostgresFixture.rows("SELECT count(*), sum(v), min(v), max(v) FROM \(table)") == [["1000", "\((2000..<3000).reduce(0, +))", "2000", "2999"]])
            #expect(try await PostgresFixture.psql("SELECT count(*) FROM \(table) WHERE s = 'row' || chr(9) || v || chr(92)") == "1000")

            let plain = try PostgresFixture.target(["table": .string(table), "mode": "insert"])
            let more: [Value] = (0..<2500).map { ["id": .int(5000 + $0), "v": .int($0), "s": nil] }
            #expect(try await PostgresFixture.write(plain, [PostgresFixture.batch(more)]) == [])
            #expect(try await PostgresFixture.rows("SELECT count(*), count(s) FROM \(table)") == [["3500", "1000"]])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE IF EXISTS \(table)")
        }
    }

    @Test func upsertAndApplyNeedAUniqueIndexOnTheKeys() async throws {
        let table = PostgresFixture.uniqueTable("nokey")
        try await PostgresFixture.psql("CREATE TABLE \(table) (id int, a text)")
        try await withAsyncCleanup {
            let target = try PostgresFixture.target(["table": .string(table), "mode": "upsert", "keys": ["id"]])
            await #expect(throws: ConnectorError.io(
                "upsert into '\(table)' needs a primary key or unique index on exactly (id); create one with CREATE UNIQUE INDEX ON \"\(table)\" (\"id\")"
            )) {
                _ = try await target.open(batchSize: nil)
            }
            let missing = try PostgresFixture.target(["table": .string(PostgresFixture.uniqueTable("absent")), "createTable": false])
            await #expect(throws: ConnectorError.self) { _ = try await missing.open(batchSize: nil) }
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func replaceAbortKeepsTheOldRowsAndCommitSwapsThem() async throws {
        let table = PostgresFixture.uniqueTable("rep")
        try await PostgresFixture.psql("CREATE TABLE \(table) (id int, v text); INSERT INTO \(table) VALUES (1, 'old'), (2, 'old')")
        try await withAsyncCleanup {
            let target = try PostgresFixture.target(["table": .string(table), "mode": "replace"])
            let writer = try await target.open(batchSize: nil)
            try await writer.write(PostgresFixture.batch([["id": 9, "v": "new"]]))
            await writer.abort()
            #expect(try await PostgresFixture.rows("SELECT id, v FROM \(table) ORDER BY id") == [["1", "old"], ["2", "old"]])

            let second = try await target.open(batchSize: nil)
            try await second.write(PostgresFixture.batch([["id": 7, "v": "new"]]))
            try await second.write(PostgresFixture.batch([["id": 8, "v": "new"]]))
            // TRUNCATE holds the table's ACCESS EXCLUSIVE lock until the commit: other sessions
            // wait rather than see an empty or half-loaded table.
            #expect(try await PostgresFixture.psql(
                "SELECT bool_or(mode = 'AccessExclusiveLock') FROM pg_locks WHERE relation = '\(table)'::regclass AND granted") == "t")
            try await second.commit()
            #expect(try await PostgresFixture.rows("SELECT id, v FROM \(table) ORDER BY id") == [["7", "new"], ["8", "new"]])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func applyReplaysChangeEventsInOrder() async throws {
        let table = PostgresFixture.uniqueTable("replica")
        try await withAsyncCleanup {
            // Committed batch by batch, so the first batch's result can be read before the second.
            let target = try PostgresFixture.target(["table": .string(table), "mode": "apply", "keys": ["id"], "commit": "batch"])
            func event(_ op: String, _ id: Int, _ after: Value = nil) -> Value {
                ["op": .string(op), "key": ["id": .int(id)], "before": nil, "after": after]
            }
            let first = PostgresFixture.batch([
                event("insert", 1, ["id": 1, "name": "a", "qty": 1]),
                event("insert", 2, ["id": 2, "name": "b", "qty": 2]),
                event("update", 1, ["id": 1, "name": "A", "qty": 2]),
                event("delete", 2),
                event("insert", 3, ["id": 3, "name": "c", "qty": 3]),
                event("insert", 2, ["id": 2, "name": "b again", "qty": 4]),
            ], positions: Array(1...6))
            let second = PostgresFixture.batch([
                event("update", 3, ["id": 3, "name": "c", "qty": 30]),
                ["op": "truncate", "key": nil, "before": nil, "after": nil],
                event("insert", 4, ["id": 4, "name": "d", "qty": 4]),
                event("update", 4, ["qty": 9]),
                event("delete", 5),
                event("upsert", 6, ["id": 6]),
                event("insert", 1, ["id": 1, "name": "e", "qty": 1]),
                event("delete", 1),
            ], positions: Array(7...14))
            let writer = try await target.open(batchSize: nil)
            guard let rejecting = writer as? any RejectingTargetWriter else {
                Issue.record("the postgres writer reports rejections")
                return
            }
            #expect(try await rejecting.writeReportingRejections(first).rejected == [])
            #expect(try await PostgresFixture.rows("SELECT id, name, qty FROM \(table) ORDER BY id") == [["1", "A", "2"], ["2", "b again", "4"], ["3", "c", "3"]])
            let rejected = try await rejecting.writeReportingRejections(second).rejected
            try await writer.commit()
            #expect(rejected == [Rejection(
                record: event("upsert", 6, ["id": 6]), reasons: ["unknown op 'upsert'; expected insert, update, delete or truncate"],
                position: 12, stage: "target")])
            #expect(try await PostgresFixture.rows("SELECT id, name, qty FROM \(table) ORDER BY id") == [["4", "d", "9"]])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE IF EXISTS \(table)")
        }
    }

    /// An update that changed the key (as `postgres_cdc` reports it: the old key in
    /// `before`) moves the row: the old key's row is deleted, not left behind.
    @Test func applyMovesARowWhoseKeyChanged() async throws {
        let table = PostgresFixture.uniqueTable("replica")
        try await withAsyncCleanup {
            let target = try PostgresFixture.target(["table": .string(table), "mode": "apply", "keys": ["id"]])
            let batch = PostgresFixture.batch([
                ["op": "insert", "key": ["id": 1], "before": nil, "after": ["id": 1, "name": "a"]],
                ["op": "insert", "key": ["id": 2], "before": nil, "after": ["id": 2, "name": "b"]],
                ["op": "update", "key": ["id": 10], "before": ["id": 1], "after": ["id": 10, "name": "a moved"]],
                ["op": "update", "key": ["id": 2], "before": ["id": 2], "after": ["id": 2, "name": "b2"]],
            ], positions: Array(1...4))
            #expect(try await PostgresFixture.write(target, [batch]) == [])
            #expect(try await PostgresFixture.rows("SELECT id, name FROM \(table) ORDER BY id") == [["2", "b2"], ["10", "a moved"]])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE IF EXISTS \(table)")
        }
    }

    @Test func refusedRowsAreRejectedOneByOneWithTheServersMessage() async throws {
        let table = PostgresFixture.uniqueTable("rej")
        let parent = "\(table)_parent"
        try await PostgresFixture.psql("""
            CREATE TABLE \(parent) (id int PRIMARY KEY); INSERT INTO \(parent) VALUES (1);
            CREATE TABLE \(table) (id int PRIMARY KEY, name text NOT NULL, qty int CHECK (qty >= 0), code varchar(3),
              pid int REFERENCES \(parent)(id));
            """)
        try await withAsyncCleanup {
            let records: [Value] = [
                ["id": 1, "name": "ok", "qty": 1, "code": "abc", "pid": 1],
                ["id": 1, "name": "dup", "qty": 1, "code": "x", "pid": 1],
                ["id": 2, "name": nil, "qty": 1, "code": "x", "pid": 1],
                ["id": 3, "name": "neg", "qty": -1, "code": "x", "pid": 1],
                ["id": 4, "name": "nan", "qty": "many", "code": "x", "pid": 1],
                ["id": 5, "name": "long", "qty": 1, "code": "toolong", "pid": 1],
                ["id": 6, "name": "orphan", "qty": 1, "code": "x", "pid": 99],
                ["id": 7, "name": "fine", "qty": 2, "code": nil, "pid": nil],
            ]
            for atomic in [false, true] {
                try await PostgresFixture.psql("TRUNCATE \(table)")
                let target = try PostgresFixture.target(["table": .string(table)], atomicWrites: atomic)
                let rejected = try await PostgresFixture.write(target, [PostgresFixture.batch(records, positions: Array(10...17))])
                let reasons = [
                    "ERROR: duplicate key value violates unique constraint \"\(table)_pkey\" (SQLSTATE 23505): Key (id)=(1) already exists.",
                    "ERROR: null value in column \"name\" of relation \"\(table)\" violates not-null constraint (SQLSTATE 23502): Failing row contains (2, null, 1, x, 1).",
                    "ERROR: new row for relation \"\(table)\" violates check constraint \"\(table)_qty_check\" (SQLSTATE 23514): Failing row contains (3, neg, -1, x, 1).",
                    "ERROR: invalid input syntax for type integer: \"many\" (SQLSTATE 22P02)",
                    "ERROR: value too long for type character varying(3) (SQLSTATE 22001)",
                    "ERROR: insert or update on table \"\(table)\" violates foreign key constraint \"\(table)_pid_fkey\" (SQLSTATE 23503): Key (pid)=(99) is not present in table \"\(parent)\".",
                ]
                #expect(rejected == zip(1...6, reasons).map { index, reason in
                    Rejection(record: records[index], reasons: [reason], position: 10 + index, stage: "target")
                })
                #expect(try await PostgresFixture.rows("SELECT id, name FROM \(table) ORDER BY id") == [["1", "ok"], ["7", "fine"]])
            }
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table); DROP TABLE \(parent)")
        }
    }

    @Test func textWithANulCharacterIsRejectedAndUpsertRejectsRowByRow() async throws {
        let table = PostgresFixture.uniqueTable("nul")
        try await PostgresFixture.psql("CREATE TABLE \(table) (id int PRIMARY KEY, name text NOT NULL)")
        try await withAsyncCleanup {
            let target = try PostgresFixture.target(["table": .string(table), "mode": "upsert", "keys": ["id"]])
            let records: [Value] = [["id": 1, "name": "emoji 🎉"], ["id": 2, "name": "a\u{0}b"], ["id": 3, "name": nil], ["id": 1, "name": "again"]]
            let rejected = try await PostgresFixture.write(target, [PostgresFixture.batch(records)])
            #expect(rejected == [
                Rejection(record: records[1], reasons: ["ERROR: invalid byte sequence for encoding \"UTF8\": 0x00 (SQLSTATE 22021)"], position: 2, stage: "target"),
                Rejection(
                    record: records[2],
                    reasons: ["ERROR: null value in column \"name\" of relation \"\(table)\" violates not-null constraint (SQLSTATE 23502): Failing row contains (3, null)."],
                    position: 3, stage: "target"),
            ])
            #expect(try await PostgresFixture.rows("SELECT id, name FROM \(table) ORDER BY id") == [["1", "again"]])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func atomicWritesCommitTheWholeJobAtOnce() async throws {
        let table = PostgresFixture.uniqueTable("atomic")
        try await PostgresFixture.psql("CREATE TABLE \(table) (id int PRIMARY KEY, v text)")
        try await withAsyncCleanup {
            for mode in ["insert", "upsert"] {
                let target = try PostgresFixture.target(["table": .string(table), "mode": .string(mode), "keys": ["id"]], atomicWrites: true)
                let aborted = try await target.open(batchSize: nil)
                try await aborted.write(PostgresFixture.batch([["id": 1, "v": "a"]]))
                try await aborted.write(PostgresFixture.batch([["id": 2, "v": "b"]]))
                await aborted.abort()
                #expect(try await PostgresFixture.psql("SELECT count(*) FROM \(table)") == "0")

                let writer = try await target.open(batchSize: nil)
                try await writer.write(PostgresFixture.batch([["id": 1, "v": .string(mode)]]))
                try await writer.write(PostgresFixture.batch([["id": 2, "v": .string(mode)]]))
                #expect(try await PostgresFixture.psql("SELECT count(*) FROM \(table)") == "0")
                try await writer.commit()
                #expect(try await PostgresFixture.rows("SELECT id, v FROM \(table) ORDER BY id") == [["1", mode], ["2", mode]])
                try await PostgresFixture.psql("TRUNCATE \(table)")
            }
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }
}
