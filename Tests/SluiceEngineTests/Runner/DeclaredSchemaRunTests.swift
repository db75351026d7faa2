import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// A file's own schema travels with its records: a `decimal(12,2)` read from Parquet is still
/// one in the Parquet file Sluice writes (as pyarrow reads it) and in the PostgreSQL table a
/// job creates from that file, with every value's digits unchanged; lineage shows the types.
@Suite struct DeclaredSchemaRunTests {
    /// pyarrow writes the input: ids, a decimal(12,2) with edge values and a null, a date, text.
    static let makeInput = """
        import datetime, decimal, sys
        import pyarrow as pa, pyarrow.parquet as pq
        D = decimal.Decimal
        table = pa.table({
            "id": pa.array([1, 2, 3, 4, 5], pa.int64()),
            "amount": pa.array([D("12.50"), D("0.01"), D("-99999999.99"), None, D("1234567890.12")], pa.decimal128(12, 2)),
            "day": pa.array([datetime.date(2024, 5, 1), datetime.date(1999, 12, 31), None, datetime.date(1970, 1, 1), datetime.date(2038, 1, 19)]),
            "name": pa.array(["a", "b", None, "d", "e"]),
        })
        pq.write_table(table, sys.argv[1], compression=sys.argv[2])
        """

    @Test func aDecimalSurvivesParquetToParquetToPostgreSQL() async throws {
        let db = try TestDatabase("postgres")
        defer { db.close() }
        let input = db.dir.file("in.parquet")
        let middle = db.dir.file("middle.parquet")
        _ = try await Python.run(Self.makeInput, arguments: [input, "snappy"])

        let first = try await db.planner.run(
            #"{"name": "copy", "source": {"type": "file", "config": {"path": "\#(input)"}}, "target": {"type": "file", "config": {"path": "\#(middle)"}}}"#)
        #expect(first.failure == nil)
        #expect(first.stats.recordsLoaded == 5)
        #expect(first.declaredTypes.source["amount"] == "decimal(12,2)")
        #expect(first.declaredTypes.target["amount"] == "decimal(12,2)")
        let written = try await Python.run(
            """
            import sys, pyarrow.parquet as pq
            t = pq.read_table(sys.argv[1])
            print(t.schema.field("amount").type, t.schema.field("day").type)
            print([None if v is None else str(v) for v in t.column("amount").to_pylist()])
            print([None if v is None else v.isoformat() for v in t.column("day").to_pylist()])
            """, arguments: [middle])
        #expect(
            written.split(separator: "\n").map(String.init) == [
                "decimal128(12, 2) date32[day]",
                "['12.50', '0.01', '-99999999.99', None, '1234567890.12']",
                "['2024-05-01', '1999-12-31', None, '1970-01-01', '2038-01-19']",
            ])

        let table = TestDatabases.uniqueName("declared")
        try await withAsyncCleanup {
            let second = try await db.run(
                source: #"{"type": "file", "config": {"path": "\#(middle)"}}"#, target: db.targetConfig(table, mode: "insert", keys: false))
            #expect(second.failure == nil)
            #expect(
                try await db.scalar(
                    "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '\(table)'::regclass AND attnum > 0")
                    == "id bigint, amount numeric(12,2), day timestamp with time zone, name text")
            #expect(
                try await db.scalar("SELECT string_agg(coalesce(amount::text, 'null'), ' ' ORDER BY id) FROM \(table)")
                    == "12.50 0.01 -99999999.99 null 1234567890.12")
        } cleanup: {
            await db.drop(table)
        }
    }
}

extension JobPlanner {
    /// Plans and runs the job `json`.
    func run(_ json: String) async throws -> JobOutcome {
        await JobRunner.run(try plan(try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))), logger: Logger(label: "test"))
    }
}
