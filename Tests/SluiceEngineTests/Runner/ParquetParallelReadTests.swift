import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// A Parquet source is read as blocks of row groups decoded by several workers at once: the
/// records come out complete and in file order (as pyarrow reads them), the bytes read are
/// the file's size, and a filter right after the source still skips row groups.
@Suite struct ParquetParallelReadTests {
    /// pyarrow writes 20,000 rows in row groups of 1,500 (14 groups): a dictionary-encoded
    /// text column with nulls, doubles with nulls, unique texts and a decimal.
    static let makeInput = """
        import decimal, sys
        import pyarrow as pa, pyarrow.parquet as pq
        n = 20000
        regions = ["north", "south", "east", "west", None]
        table = pa.table({
            "id": pa.array(range(n), pa.int64()),
            "region": pa.array([regions[(i * 7) % 5] for i in range(n)]),
            "amount": pa.array([None if i % 11 == 0 else i * 0.25 - 300 for i in range(n)], pa.float64()),
            "name": pa.array([f"name-{i:05d}-" + "x" * (i % 13) for i in range(n)]),
            "price": pa.array([decimal.Decimal(i * 37 % 100000) / 100 for i in range(n)], pa.decimal128(9, 2)),
        })
        pq.write_table(table, sys.argv[1], row_group_size=1500, compression="snappy")
        """

    /// Compares the NDJSON Sluice wrote with pyarrow's reading of the Parquet file, row by row
    /// and in order; prints `ok N` or the first difference.
    static let compare = """
        import decimal, json, sys
        import pyarrow.parquet as pq
        expected = pq.read_table(sys.argv[1]).to_pylist()
        if sys.argv[3] != "all":
            expected = [r for r in expected if r["id"] > int(sys.argv[3])]
        got = [json.loads(line) for line in open(sys.argv[2])]
        if len(got) != len(expected):
            print(f"{len(got)} rows, expected {len(expected)}"); sys.exit()
        for i, (g, e) in enumerate(zip(got, expected)):
            e = {k: (float(v) if isinstance(v, decimal.Decimal) else v) for k, v in e.items()}
            if g != e:
                print(f"row {i}: {g} != {e}"); sys.exit()
        print(f"ok {len(got)}")
        """

    /// What the dictionary-text jobs below must give, computed by Python from pyarrow's
    /// reading: `aggregate` (filters then groups by region in first-seen order: count, min,
    /// max and exact median of amount, the distinct names), or `dedupe` (filter, then the first
    /// row of each region), as NDJSON lines.
    static let dictionaryExpectations = """
        import json, statistics, sys
        import pyarrow.parquet as pq
        rows = pq.read_table(sys.argv[1]).to_pylist()
        kept = [r for r in rows if r["region"] != "east"]
        if sys.argv[2] == "aggregate":
            groups = {}
            for r in kept:
                if r["amount"] is not None and r["amount"] > 0:
                    groups.setdefault(r["region"], []).append(r)
            for region, members in groups.items():
                amounts = [r["amount"] for r in members]
                print(json.dumps({"region": region, "n": len(members), "amount_min": min(amounts), "amount_max": max(amounts),
                    "amount_median": statistics.median(amounts), "names": len({r["name"] for r in members})}))
        else:
            seen = set()
            for r in kept:
                if r["region"] not in seen:
                    seen.add(r["region"])
                    print(json.dumps({"id": r["id"], "region": r["region"], "name": r["name"]}))
        """

    /// Region is dictionary-encoded in the file, and stays codes through the filters and the
    /// aggregate's grouping; a dedupe (which reads plain text) and the target get it flattened.
    /// Both jobs give exactly what Python computes from pyarrow's reading.
    @Test(arguments: [1, 2])
    func dictionaryEncodedTextThroughFiltersGroupingAndOtherSteps(workers: Int) async throws {
        let (dir, input, planner) = try await Self.fixture("sluice-parquet-dictionary")
        defer { dir.remove() }
        let filter = #"{"operation": "filter", "config": {"field": "region", "operator": "ne", "value": "east"}}"#
        let jobs = [
            (
                "aggregate",
                #"\#(filter), {"operation": "filter", "config": {"field": "amount", "operator": "gt", "value": 0}}, {"operation": "aggregate", "config": {"groupBy": ["region"], "aggregations": {"id": {"function": "count", "as": "n"}, "amount": ["min", "max", "median"], "name": {"function": "countDistinct", "as": "names"}}}}"#
            ),
            ("dedupe", #"\#(filter), {"operation": "dedupe", "config": {"fields": ["region"]}}, {"operation": "select", "config": {"fields": ["id", "region", "name"]}}"#),
        ]
        for (name, transforms) in jobs {
            let output = dir.file("\(name)-\(workers).ndjson")
            let plan = try Self.plan(
                #"{"name": "\#(name)", "source": {"type": "file", "config": {"path": "\#(input)"}}, "transforms": [\#(transforms)], "target": {"type": "file", "config": {"path": "\#(output)", "format": "ndjson"}}}"#,
                with: planner)
            let outcome = await JobRunner.run(plan, settings: RunSettings(workers: workers, blockBytes: 20_000), logger: Logger(label: "test"))
            #expect(outcome.failure == nil, "\(name)")
            #expect(outcome.stats.recordsExtracted == 20_000)
            let expected = try await Python.run(Self.dictionaryExpectations, arguments: [input, name])
            let written = try String(contentsOfFile: output, encoding: .utf8)
            #expect(expected.split(separator: "\n").count == 4, "\(name): north, south, west and null")
            #expect(try Self.sameRecords(written, expected), "\(name): wrote\n\(written)\nPython:\n\(expected)")
        }
    }

    /// A temporary directory holding the pyarrow file (`in.parquet`), and a planner whose data
    /// root it is, batching 700 rows.
    static func fixture(_ prefix: String) async throws -> (dir: TemporaryDirectory, input: String, planner: JobPlanner) {
        let dir = try TemporaryDirectory(prefix: prefix)
        let input = dir.file("in.parquet")
        _ = try await Python.run(Self.makeInput, arguments: [input])
        return (dir, input, JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 700, environment: [:]))
    }

    /// The plan of the job spec `json`.
    static func plan(_ json: String, with planner: JobPlanner) throws -> JobPlan {
        try planner.plan(try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json)))
    }

    /// Whether two NDJSON texts hold the same records in the same order (compared as values,
    /// so `5.0` equals `5`).
    static func sameRecords(_ a: String, _ b: String) throws -> Bool {
        let left = try a.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        let right = try b.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        return left == right
    }

    @Test(arguments: [1, 2])
    func rowGroupsDecodedByWorkersComeOutInOrder(workers: Int) async throws {
        let (dir, input, planner) = try await Self.fixture("sluice-parquet-parallel")
        defer { dir.remove() }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: input)[.size] as? Int)

        // Blocks of 1 byte: every row group is its own block.
        let all = dir.file("all.ndjson")
        let copy = try Self.plan(
            #"{"name": "copy", "source": {"type": "file", "config": {"path": "\#(input)"}}, "target": {"type": "file", "config": {"path": "\#(all)", "format": "ndjson"}}}"#,
            with: planner)
        let copied = await JobRunner.run(copy, settings: RunSettings(workers: workers, blockBytes: 1), logger: Logger(label: "test"))
        #expect(copied.failure == nil)
        #expect(copied.stats.recordsExtracted == 20_000)
        #expect(copied.stats.bytesRead == size)
        #expect(copied.declaredTypes.source["price"] == "decimal(9,2)")
        #expect(try await Python.run(Self.compare, arguments: [input, all, "all"]) == "ok 20000\n")

        // A filter on `id` rules out the first row groups from their statistics.
        let some = dir.file("some.ndjson")
        let filtered = try Self.plan(
            #"{"name": "filtered", "source": {"type": "file", "config": {"path": "\#(input)"}}, "transforms": [{"operation": "filter", "config": {"field": "id", "operator": "gt", "value": 15000}}], "target": {"type": "file", "config": {"path": "\#(some)", "format": "ndjson"}}}"#,
            with: planner)
        let kept = await JobRunner.run(filtered, settings: RunSettings(workers: workers, blockBytes: 20_000), logger: Logger(label: "test"))
        #expect(kept.failure == nil)
        #expect(kept.stats.recordsLoaded == 4_999)
        // Rows 0 ..< 15,000 fill the first 10 row groups, which are never decoded.
        #expect(kept.stats.recordsExtracted == 20_000 - 10 * 1_500)
        #expect(kept.stats.bytesRead == size)
        #expect(try await Python.run(Self.compare, arguments: [input, some, "15000"]) == "ok 4999\n")
    }
}
